@echo off
rem Checks the folder content against the orders: errors, gaps, unfilled placeholders.
chcp 65001 >nul
cd /d "%~dp0"
shnor.exe check --content content
echo.
pause
