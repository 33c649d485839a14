@echo off
rem Builds the site from the folder content into the folder site, beside this file.
chcp 65001 >nul
cd /d "%~dp0"
shnor.exe build --content content --out site
echo.
pause
