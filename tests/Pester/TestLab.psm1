<#
.SYNOPSIS
    Starting, using and stopping XenLab labs from Pester tests.
#>
$ErrorActionPreference = 'Stop'
$script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'
$script:Python = '/usr/bin/python3'

function Start-TestLab {
    <# Starts a lab of the given profile under a short unique name and returns its lab.json as an object. #>
    param(
        [Parameter(Mandatory)][ValidatePattern('^[a-z][a-z0-9]{0,7}$')][string] $Name,
        [string] $LabProfile = 'foundation'
    )
    $profilePath = Join-Path $PSScriptRoot "../XenLab/profiles/$LabProfile.json"
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) "xenps-lab-$Name-$PID"
    & $script:Python $script:LabScript start --profile $profilePath --dir $dir --name $Name | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "Lab '$Name' did not start (exit code $LASTEXITCODE)." }
    $lab = Get-Content -Raw (Join-Path $dir 'lab.json') | ConvertFrom-Json
    $lab | Add-Member -NotePropertyName Profile -NotePropertyValue (Get-Content -Raw $profilePath | ConvertFrom-Json) -Force
    return $lab
}

function Stop-TestLab {
    param([Parameter(Mandatory)] $Lab)
    & $script:Python $script:LabScript stop --dir $Lab.dir | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "Lab '$($Lab.name)' did not stop cleanly (exit code $LASTEXITCODE)." }
}

function Invoke-LabHost {
    <# Runs a command inside a lab host's namespaces as root and returns its output lines. #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName, [Parameter(Mandatory)][string[]] $Command)
    $output = & $script:Python $script:LabScript exec --dir $Lab.dir $HostName -- @Command
    if ($LASTEXITCODE -ne 0) { throw "'$($Command -join ' ')' on $HostName failed (exit code $LASTEXITCODE): $output" }
    return $output
}

function Get-LabHost {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName)
    [pscustomobject]@{
        Lab     = $Lab.hosts | Where-Object name -EQ $HostName
        Profile = $Lab.Profile.hosts | Where-Object name -EQ $HostName
    }
}

function New-TestFile {
    <# A new file in a fresh temporary folder, with the given lines. #>
    param([string] $Name = 'file', [string[]] $Line = @())
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("xenps-test-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $path = Join-Path $dir $Name
    Set-Content -LiteralPath $path -Value $Line
    return $path
}

function Invoke-ChildPwsh {
    <# Runs a script file in a new PowerShell process (the one running the tests), returning its output lines. #>
    param([Parameter(Mandatory)][string] $File, [string[]] $ArgumentList = @())
    $exe = [Environment]::ProcessPath
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix += Join-Path $PSHOME 'pwsh.dll' }
    $output = & $exe @prefix -NoProfile -NonInteractive -File $File @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$File failed (exit code $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    return $output
}

Export-ModuleMember -Function Start-TestLab, Stop-TestLab, Invoke-LabHost, Get-LabHost, New-TestFile, Invoke-ChildPwsh
