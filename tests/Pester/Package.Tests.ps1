# The built module packed as build.ps1 -Task Package packs it, published to a local folder repository, installed with
# Install-PSResource and imported by its name in a fresh PowerShell, as a user installs it. Everything happens under a
# HOME of the test's own, so the repository registration and the installed module of whoever runs the tests are untouched.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    Import-Module $env:XENPS_MODULE -Force
    $script:ModuleDir = Split-Path $env:XENPS_MODULE
    $script:Version = (Import-PowerShellDataFile $env:XENPS_MODULE).ModuleVersion
    $script:UserHome = Join-Path $TestDrive 'home'
    $script:UserData = Join-Path $UserHome '.local/share'
    $script:Repository = Join-Path $TestDrive 'repository'
    # .NET gives no data folder (so PSResourceGet keeps its repositories in the working directory) until it exists.
    New-Item -ItemType Directory -Path $UserData, $Repository | Out-Null
    Compress-PSResource -Path $ModuleDir -DestinationPath $Repository

    function Invoke-AsUser([string] $Script) {
        # A new PowerShell whose HOME and data folder are the test's, and whose module path is its own defaults alone.
        $file = Join-Path $TestDrive "step-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $file -Value "`$ErrorActionPreference = 'Stop'", $Script
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath }
        $env:HOME = $UserHome
        $env:XDG_DATA_HOME = $UserData
        $env:PSModulePath = $null
        try { Invoke-ChildPwsh -File $file }
        finally { foreach ($name in $saved.Keys) { Set-Item -Path "env:$name" -Value $saved[$name] } }
    }

    $script:Installed = @(Invoke-AsUser @"
Register-PSResourceRepository -Name XenPSLocal -Uri '$Repository' -Trusted
Install-PSResource -Name XenPS -Repository XenPSLocal -Scope CurrentUser
(Get-InstalledPSResource -Name XenPS).InstalledLocation
"@)
    $script:Imported = @(Invoke-AsUser @'
Import-Module XenPS
$module = Get-Module XenPS
$module.ModuleBase
$module.Version.ToString()
(Get-Command -Module XenPS).Name -join ','
(Get-Help Move-XenDomain).Synopsis
[bool]@(Get-FormatData -TypeName XenPS.Core.Model.MigrationResult).Count
'@)
}

Describe 'The package' {
    It 'is one .nupkg of the built version' {
        (Get-ChildItem -LiteralPath $Repository).Name | Should -Be "XenPS.$Version.nupkg"
    }

    It 'installs with Install-PSResource from a local repository under the user''s modules' {
        $Installed[-1] | Should -BeLike "$UserHome/*"
        Join-Path $Installed[-1] "XenPS/$Version/XenPS.psd1" | Should -Exist
    }

    It 'carries the cmdlets'' dependencies, help and the lab' {
        $base = Join-Path $Installed[-1] "XenPS/$Version"
        foreach ($file in 'XenPS.dll', 'XenPS.Format.ps1xml', 'XenPS.Types.ps1xml', 'dependencies/XenPS.Core.dll',
            'dependencies/Renci.SshNet.dll', 'en-US/XenPS.dll-Help.xml', 'en-US/about_XenPS.help.txt', 'lab/xenlab.py',
            'lab/reference/xend-config.xen-4.0.0.sxp') {
            Join-Path $base $file | Should -Exist
        }
    }

    It 'imports by name in a fresh PowerShell, with every cmdlet, its help and its views' {
        $Imported[0] | Should -Be (Join-Path $Installed[-1] "XenPS/$Version")
        $Imported[1] | Should -Be $Version
        ($Imported[2] -split ',' | Sort-Object) | Should -Be ((Import-PowerShellDataFile $env:XENPS_MODULE).CmdletsToExport | Sort-Object)
        $Imported[3] | Should -Be (Get-Help Move-XenDomain).Synopsis
        $Imported[4] | Should -Be 'True'
    }
}
