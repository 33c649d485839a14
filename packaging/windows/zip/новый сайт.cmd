@echo off
rem A district of ones own: a new folder content with placeholders to fill in.
rem shnor refuses to write over an existing file, so the example must be moved away first.
chcp 65001 >nul
cd /d "%~dp0"
shnor.exe new site content
echo.
pause
