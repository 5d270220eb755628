; The Hattama installer for Windows 10 and 11, built by `cargo xtask dist` with Debian's makensis.
; It uses no NSIS plugin (Tauri's own NSIS bundling downloads plugins at build time, which this
; project's build machines cannot), only the compiler's built-in instructions.
;
; makensis defines, set by xtask/src/windows.rs:
;   VERSION      the workspace version, e.g. 0.1.0
;   BIN_DIR      the folder holding hattama-app.exe, hattama.exe and WebView2Loader.dll
;   ICON         src-tauri/icons/icon.ico
;   OUT_FILE     the installer to write
;   WEBVIEW2_BOOTSTRAPPER (optional) Microsoft's MicrosoftEdgeWebview2Setup.exe, run when the
;                WebView2 runtime is missing; without it the installer tells the person where to
;                get it (see README, "Windows").
;
; The uninstaller removes the programs and the shortcuts, never the election data in
; %LOCALAPPDATA%\hattama.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

Name "Hattama"
OutFile "${OUT_FILE}"
Icon "${ICON}"
UninstallIcon "${ICON}"
InstallDir "$PROGRAMFILES64\Hattama"
InstallDirRegKey HKLM "Software\Hattama" "InstallDir"
BrandingText "Hattama ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Hattama"
VIAddVersionKey "FileDescription" "Hattama installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Apache-2.0"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Hattama"
; The WebView2 runtime's client id, the same on every machine (Microsoft's distribution guide).
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Hattama"
  SetRegView 64
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${BIN_DIR}\hattama-app.exe"
  File "${BIN_DIR}\hattama.exe"
  File "${BIN_DIR}\WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\Hattama"
  CreateShortcut "$SMPROGRAMS\Hattama\Hattama.lnk" "$INSTDIR\hattama-app.exe"
  CreateShortcut "$SMPROGRAMS\Hattama\Uninstall Hattama.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "Software\Hattama" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "Hattama"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Hattama"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\hattama-app.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  ; The WebView2 Evergreen runtime: Windows 11 has it, as does Windows 10 with its updates. It is
  ; installed when either registry value names a version.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  StrCmp "$0$1" "" webview2_missing 0
  StrCmp "$0$1" "0.0.0.0" webview2_missing webview2_done
webview2_missing:
!ifdef WEBVIEW2_BOOTSTRAPPER
  DetailPrint "Installing the Microsoft Edge WebView2 runtime"
  InitPluginsDir
  SetOutPath "$PLUGINSDIR"
  File "/oname=MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2_BOOTSTRAPPER}"
  ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $2
  DetailPrint "WebView2 setup exited with $2"
!else
  MessageBox MB_OK|MB_ICONEXCLAMATION "Hattama needs the Microsoft Edge WebView2 runtime, which this computer lacks. Install the Evergreen runtime from https://developer.microsoft.com/microsoft-edge/webview2/ before starting Hattama."
!endif
webview2_done:
SectionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  Delete "$INSTDIR\hattama-app.exe"
  Delete "$INSTDIR\hattama.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Hattama\Hattama.lnk"
  Delete "$SMPROGRAMS\Hattama\Uninstall Hattama.lnk"
  RMDir "$SMPROGRAMS\Hattama"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\Hattama"
SectionEnd
