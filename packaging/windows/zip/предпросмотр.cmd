@echo off
rem Preview: serves the site on http://127.0.0.1:8000/ and rebuilds it on every save;
rem the browser opens once the first build is served. Close the window to stop.
chcp 65001 >nul
cd /d "%~dp0"
start "" /b cmd /c "ping -n 4 127.0.0.1 >nul & start "" http://127.0.0.1:8000/"
shnor.exe serve --content content --port 8000
echo.
pause
