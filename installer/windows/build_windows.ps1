# Build the Windows installer on a Windows 10/11 machine (PowerShell):
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build_windows.ps1
#
# Needs: uv (https://docs.astral.sh/uv/) and NSIS 3 (makensis on PATH or in
# "C:\Program Files (x86)\NSIS"). Steps: the tests, the PyInstaller one-folder
# bundle (installer/build.py), then the NSIS installer into dist\.
$ErrorActionPreference = "Stop"
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root

uv run python installer/build.py
if ($LASTEXITCODE -ne 0) { throw "bundle build failed" }

$version = (uv run python -c "import desktop_app; print(desktop_app.__version__)").Trim()
$makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $makensis) { $makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
$source = Join-Path $root "dist\township-enforcement"
$out = Join-Path $root "dist\township-enforcement-$version-setup.exe"
& $makensis /V2 "/DVERSION=$version" "/DSOURCE=$source" "/DOUTFILE=$out" installer\windows\township.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed" }
Write-Host "安装程序：$out"
