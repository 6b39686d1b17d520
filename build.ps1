#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and demonstrates XenPS.

.DESCRIPTION
    Tasks:
      Build    compile and lay out the module in out/XenPS/<version>/ (Import-Module takes that folder)
      Test     Build, then run the xunit tests and the Pester tests (against lab hosts); ends with one line
               "N passed, N failed, N skipped" and a non-zero exit code on any failure
      Package  Build, then pack the module as out/package/XenPS.<version>.nupkg, which Install-PSResource installs from
               a folder registered as a repository (Register-PSResourceRepository -Name NAME -Uri out/package)
      Lab      start a lab of simulated dom0 hosts (-LabProfile, default 'default') and print how to reach it
      LabStop  tear that lab down completely
      Demo     Build, start the default lab, show XenPS at work on it, tear the lab down
      Bench    Build, then measure every figure of XenPS against the plain ssh way in the same run, on two labs in
               turn (profile bench: Move-XenDomain against ssh + xm migrate on a 1 Gbit/s link; profile fanout with a
               host of 1000 domains added: Get-XenDomain warm, on a new session, on 16 hosts at once, its memory,
               and the hosts' own time) and without a lab (Import-Module, the parsers under BenchmarkDotNet);
               prints one table (medians, ratio, spread, target, met or NOT met) and each figure's notes, and
               writes out/bench/bench-yyyyMMdd-HHmmss.json and out/bench/latest.json. Takes a few minutes.
      Load     the load run on the readiness lab (xm and xl hosts): -Callers callers (default 32) in parallel runspaces
               share one session per host for -Seconds seconds (default 60) of Get-XenDomain, Get-XenHost,
               Get-XendRelocation and Test-XenMigrationReadiness; prints calls and failures per cmdlet, TCP
               connections per host and memory, writes out/load.json, and exits non-zero when a call
               failed or hung or a host had more than one connection
      RealXen  the opt-in acceptance suite against two real Xen 4.17 dom0s under QEMU (tests/RealXen/README.md):
               builds or reuses their images in -RealXenImages, boots them, runs tests/RealXen, powers them off;
               ends with its own "N passed, N failed, N skipped" line. Not part of Test.
    Run it with the PowerShell of the repository's tool manifest:
      dotnet tool restore && dotnet pwsh -NoProfile -File build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Lab', 'LabStop', 'Demo', 'Bench', 'Load', 'RealXen')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Name of a profile in tests/XenLab/profiles (without .json), or a path to a profile file.
    [string] $LabProfile = 'default',

    # Where the lab keeps its files (ssh_config, known_hosts, keys); default out/lab.
    [string] $LabDirectory = (Join-Path $PSScriptRoot 'out/lab'),

    # Where the RealXen task keeps the dom0 images it builds, reused by every later run of the same recipe.
    [string] $RealXenImages = (Join-Path $PSScriptRoot 'out/realxen/images'),

    # The Load task's parallel callers and how many seconds they run.
    [ValidateRange(1, 1024)][int] $Callers = 32,
    [ValidateRange(1, 86400)][int] $Seconds = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$OutRoot = Join-Path $Root 'out'
$LabScript = Join-Path $Root 'tests/XenLab/xenlab.py'
$Python = '/usr/bin/python3'

function Invoke-Native {
    param([Parameter(Mandatory)][string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Get-XenPSVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = $props.Project.PropertyGroup.Version
    if (-not $version) { throw 'Directory.Build.props has no <Version>: it is the one version source of the module.' }
    return $version
}

function Get-NuGetPackageRoot {
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals global-packages --list failed.' }
    return ($line -replace '^global-packages:\s*', '').Trim()
}

function Build-Help {
    param([string] $ModuleDirectory)
    $docs = Join-Path $Root 'docs/en-US'
    $helpOut = Join-Path $ModuleDirectory 'en-US'
    New-Item -ItemType Directory -Force -Path $helpOut | Out-Null
    if (Get-Module -ListAvailable -Name platyPS) {
        Import-Module platyPS
        New-ExternalHelp -Path $docs -OutputPath $helpOut -Force | Out-Null
    }
    else {
        & (Join-Path $Root 'build/ConvertTo-MamlHelp.ps1') -DocsPath $docs -OutputDirectory $helpOut | Out-Host
    }
    foreach ($file in 'XenPS.dll-Help.xml', 'about_XenPS.help.txt') {
        if (-not (Test-Path (Join-Path $helpOut $file))) { throw "Help build did not produce en-US/$file." }
    }
}

function Invoke-BuildTask {
    $version = Get-XenPSVersion
    Write-Host "Building XenPS $version ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'XenPS.sln'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    $publishCore = Join-Path $Root "obj/publish-core/$Configuration"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/XenPS.Core/XenPS.Core.csproj'), '-c', $Configuration,
        '--no-build', '--nologo', '-v', 'quiet', '-o', $publishCore)

    $moduleDir = Join-Path $OutRoot "XenPS/$version"
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    $dependencies = Join-Path $moduleDir 'dependencies'
    New-Item -ItemType Directory -Force -Path $dependencies | Out-Null

    $cmdletBin = Join-Path $Root "src/XenPS/bin/$Configuration/netstandard2.0"
    foreach ($file in 'XenPS.dll', 'XenPS.Format.ps1xml', 'XenPS.Types.ps1xml') {
        Copy-Item -LiteralPath (Join-Path $cmdletBin $file) -Destination $moduleDir
    }
    # XenPS.Core and every third-party assembly live in dependencies/, loaded into XenPS's own load context.
    $required = 'XenPS.Core.dll', 'Renci.SshNet.dll', 'BouncyCastle.Cryptography.dll',
        'Microsoft.Extensions.Logging.Abstractions.dll', 'System.Text.Json.dll', 'System.Formats.Asn1.dll'
    foreach ($file in $required) {
        if (-not (Test-Path (Join-Path $publishCore $file))) { throw "Build output is missing $file in $publishCore." }
    }
    Get-ChildItem -LiteralPath $publishCore -Filter *.dll | Copy-Item -Destination $dependencies

    # XenLab goes with the module (lab/), with its own copy of the captures its profiles use, so that Start-XenLab works
    # where XenPS is installed.
    $labDir = Join-Path $moduleDir 'lab'
    New-Item -ItemType Directory -Force -Path $labDir | Out-Null
    foreach ($item in 'xenlab.py', 'README.md', 'lab', 'xensim', 'profiles') {
        Copy-Item -Recurse -LiteralPath (Join-Path $Root "tests/XenLab/$item") -Destination $labDir
    }
    Copy-Item -Recurse -LiteralPath (Join-Path $Root 'tests/reference') -Destination $labDir
    Get-ChildItem -LiteralPath $labDir -Recurse -Directory -Filter __pycache__ | Remove-Item -Recurse -Force

    $manifest = Get-Content -Raw (Join-Path $Root 'XenPS.psd1')
    $stamped = $manifest -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$version'"
    if ($stamped -eq $manifest) { throw "XenPS.psd1 must carry ModuleVersion = '0.0.0' for the build to stamp." }
    $psd1 = Join-Path $moduleDir 'XenPS.psd1'
    Set-Content -LiteralPath $psd1 -Value $stamped -NoNewline
    Build-Help -ModuleDirectory $moduleDir
    Test-ModuleManifest -Path $psd1 | Out-Null
    Write-Host "Module: $psd1"
    return $psd1
}

function Invoke-PackageTask {
    $psd1 = Invoke-BuildTask
    $packageDir = Join-Path $OutRoot 'package'
    if (Test-Path $packageDir) { Remove-Item -Recurse -Force $packageDir }
    New-Item -ItemType Directory -Path $packageDir | Out-Null
    Compress-PSResource -Path (Split-Path $psd1) -DestinationPath $packageDir
    $package = Get-ChildItem -LiteralPath $packageDir -Filter *.nupkg
    Write-Host "Package: $($package.FullName)"
    Write-Host "Install it with:    Register-PSResourceRepository -Name XenPSLocal -Uri $packageDir -Trusted; Install-PSResource -Name XenPS -Repository XenPSLocal"
}

function Get-LabProfilePath {
    if (Test-Path -LiteralPath $LabProfile -PathType Leaf) { return (Resolve-Path -LiteralPath $LabProfile).Path }
    $path = Join-Path $Root "tests/XenLab/profiles/$LabProfile.json"
    if (-not (Test-Path -LiteralPath $path)) {
        $known = (Get-ChildItem (Join-Path $Root 'tests/XenLab/profiles') -Filter *.json).BaseName -join ', '
        throw "No lab profile '$LabProfile'. Known profiles: $known; or give the path of a profile file."
    }
    return $path
}

function Start-Lab {
    param([string] $ProfilePath, [string] $Directory, [string] $Name = 'xenlab')
    Invoke-Native $Python @($LabScript, 'start', '--profile', $ProfilePath, '--dir', $Directory, '--name', $Name)
}

function Stop-Lab {
    param([string] $Directory)
    Invoke-Native $Python @($LabScript, 'stop', '--dir', $Directory)
}

function Get-TrxCounts {
    param([string] $TrxPath)
    if (-not (Test-Path $TrxPath)) {
        Write-Host "xunit produced no result file ($TrxPath): counted as one failure."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $counters = (Select-Xml -Path $TrxPath -XPath '//t:ResultSummary/t:Counters' -Namespace $ns).Node
    return [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Invoke-TestTask {
    $results = Join-Path $OutRoot 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force -Path $results | Out-Null

    $psd1 = Invoke-BuildTask

    Write-Host "`n== xunit =="
    & dotnet test (Join-Path $Root 'tests/XenPS.Tests/XenPS.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $results
    $xunit = Get-TrxCounts (Join-Path $results 'xunit.trx')

    Write-Host "`n== Pester =="
    $pesterCounts = Invoke-PesterRun -TestPath (Join-Path $Root 'tests/Pester') -ResultPath (Join-Path $results 'pester.json') -ModulePath $psd1

    $passed = $xunit.Passed + $pesterCounts.Passed
    $failed = $xunit.Failed + $pesterCounts.Failed
    $skipped = $xunit.Skipped + $pesterCounts.Skipped
    Write-Host "`nxunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pesterCounts.Passed) passed, $($pesterCounts.Failed) failed, $($pesterCounts.Skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-PesterRun {
    <# Runs the Pester tests of a folder in a PowerShell of its own and returns their counts. #>
    param([string] $TestPath, [string] $ResultPath, [string] $ModulePath)
    Invoke-Native dotnet @('restore', (Join-Path $Root 'build/TestTools.csproj'), '--nologo', '-v', 'quiet')
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester was restored but $pester is missing." }
    $env:XENPS_MODULE = $ModulePath
    # The tests' migrations go to a journal of their own (XDG_DATA_HOME/XenPS), never to the journal of whoever runs them.
    $userData = $env:XDG_DATA_HOME
    $env:XDG_DATA_HOME = Join-Path (Split-Path $ResultPath) 'data'
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Invoke-PesterTests.ps1') `
            -PesterPath $pester -TestPath $TestPath -ResultPath $ResultPath | Out-Host
    }
    finally {
        Pop-Location
        $env:XDG_DATA_HOME = $userData
    }
    if (Test-Path $ResultPath) { return Get-Content -Raw $ResultPath | ConvertFrom-Json }
    Write-Host "Pester produced no result file ($ResultPath): counted as one failure."
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
}

function Invoke-RealXenTask {
    $psd1 = Invoke-BuildTask
    $realxen = Join-Path $Root 'tests/RealXen/realxen.py'
    $run = Join-Path $OutRoot 'realxen/run'
    $results = Join-Path $OutRoot 'realxen/results'
    if (Test-Path $run) { Invoke-Native $Python @($realxen, 'stop', '--dir', $run) }
    foreach ($folder in $run, $results) { if (Test-Path $folder) { Remove-Item -Recurse -Force $folder } }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Invoke-Native $Python @($realxen, 'build', '--images', $RealXenImages)
    $built = $clock.Elapsed.TotalSeconds
    Invoke-Native $Python @($realxen, 'start', '--images', $RealXenImages, '--dir', $run)
    $booted = $clock.Elapsed.TotalSeconds - $built
    try {
        $env:XENPS_REALXEN = $run
        $counts = Invoke-PesterRun -TestPath (Join-Path $Root 'tests/RealXen') -ResultPath (Join-Path $results 'pester.json') -ModulePath $psd1
    }
    finally {
        Invoke-Native $Python @($realxen, 'stop', '--dir', $run)
    }
    Write-Host ("`nImages {0:N0} s, boot {1:N0} s, tests {2:N0} s, in all {3:N0} s" -f $built, $booted,
        ($clock.Elapsed.TotalSeconds - $built - $booted), $clock.Elapsed.TotalSeconds)
    $figures = Join-Path $run 'figures.jsonl'
    if (Test-Path $figures) {
        $rows = @(Get-Content $figures | ConvertFrom-Json)
        $rows | Format-Table -AutoSize | Out-Host
        $move = @($rows | Where-Object Name -Like 'Move-XenDomain*')
        $plain = @($rows | Where-Object Name -Like 'plain*')
        if ($move.Count -and $plain.Count) {
            $moveAverage = ($move.Seconds | Measure-Object -Average).Average
            $plainAverage = ($plain.Seconds | Measure-Object -Average).Average
            Write-Host ('Move-XenDomain / plain ssh + xl migrate: {0:N2} ({1:N1} s against {2:N1} s on average)' -f
                ($moveAverage / $plainAverage), $moveAverage, $plainAverage)
        }
    }
    Write-Host "$($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped"
    if ($counts.Failed -gt 0) { exit 1 }
}

function Invoke-LabScript {
    <#
    Builds (unless given the module), starts a lab of the profile (a name in tests/XenLab/profiles, or a profile file),
    runs the script against it in a PowerShell of its own, and tears the lab down.
    #>
    param([string] $LabProfile, [string] $LabName, [string] $Script, [string[]] $ArgumentList = @(), [string] $ModulePath)
    $psd1 = if ($ModulePath) { $ModulePath } else { Invoke-BuildTask }
    $labDir = Join-Path $OutRoot "$LabName-lab"
    $profilePath = if (Test-Path -LiteralPath $LabProfile -PathType Leaf) { $LabProfile } else { Join-Path $Root "tests/XenLab/profiles/$LabProfile.json" }
    Start-Lab -ProfilePath $profilePath -Directory $labDir -Name $LabName
    try {
        Push-Location $Root
        try {
            & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root $Script) -ModulePath $psd1 -LabDirectory $labDir @ArgumentList
            if ($LASTEXITCODE -ne 0) { throw "$Script failed (exit code $LASTEXITCODE)." }
        }
        finally { Pop-Location }
    }
    finally {
        Stop-Lab -Directory $labDir
    }
}

function New-BenchFanoutProfile {
    <#
    The profile of the session benchmarks: tests/XenLab/profiles/fanout.json and a host 'big' with Domain-0 and 999 small
    xl guests, for the memory of a listing of 1000 domains; written to Path, as no profile in the repository needs them.
    #>
    param([string] $Path)
    $guests = foreach ($id in 1..999) {
        [ordered]@{ name = 'guest{0:D4}' -f $id; domid = $id; type = 'pv'; memory = 64; vcpus = 1; state = '-b----'; cpu_time = 9.7 + $id
            kernel = '/boot/vmlinuz-6.1.0-28-amd64'; disks = @("phy:/dev/vg0/guest$id,xvda,w"); vifs = @('bridge=xenbr0') }
    }
    $bigHost = [ordered]@{ name = 'big'; toolstacks = @('xl'); xen = @{ major = 4; minor = 17; extra = '.5' }; total_memory_mb = 131072
        bridges = @('xenbr0'); domains = @(@{ name = 'Domain-0'; memory = 2048; vcpus = 2; state = 'r-----'; cpu_time = 8120.4 }) + $guests }
    $benchProfile = [ordered]@{ extends = (Join-Path $Root 'tests/XenLab/profiles/fanout.json'); name = 'fanout-1000'
        description = 'fanout, and host big with 1000 domains (written by build.ps1 -Task Bench)'; hosts = @($bigHost) }
    New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
    ConvertTo-Json -InputObject $benchProfile -Depth 6 | Set-Content -LiteralPath $Path
    $Path
}

function Invoke-BenchTask {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $psd1 = Invoke-BuildTask
    $bench = Join-Path $OutRoot 'bench'
    $parts = Join-Path $bench 'parts'
    if (Test-Path $parts) { Remove-Item -Recurse -Force $parts }
    New-Item -ItemType Directory -Force -Path $parts | Out-Null
    Invoke-LabScript -LabProfile 'bench' -LabName 'xenbench' -Script 'build/Bench.ps1' -ModulePath $psd1 `
        -ArgumentList '-ResultPath', (Join-Path $parts '1-migration.json')
    Invoke-LabScript -LabProfile (New-BenchFanoutProfile (Join-Path $bench 'fanout-1000.json')) -LabName 'xenfanout' `
        -Script 'build/Bench.Sessions.ps1' -ModulePath $psd1 -ArgumentList '-ResultPath', (Join-Path $parts '2-sessions.json')
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Bench.Local.ps1') -ModulePath $psd1 `
            -ResultPath (Join-Path $parts '3-local.json') -Configuration $Configuration
        if ($LASTEXITCODE -ne 0) { throw "build/Bench.Local.ps1 failed (exit code $LASTEXITCODE)." }
    }
    finally { Pop-Location }
    Import-Module (Join-Path $Root 'build/BenchCommon.psm1')
    Write-BenchReport -PartsDirectory $parts -Directory $bench -Seconds $clock.Elapsed.TotalSeconds | Out-Null
}

switch ($Task) {
    'Build' { Invoke-BuildTask | Out-Null }
    'Test' { Invoke-TestTask }
    'Package' { Invoke-PackageTask }
    'Lab' {
        Start-Lab -ProfilePath (Get-LabProfilePath) -Directory $LabDirectory
        $config = Join-Path $LabDirectory 'ssh_config'
        Write-Host "`nReach the lab with: New-XenSession -ComputerName <host> -SshConfigPath $config"
        Write-Host "Stop it with:       dotnet pwsh -NoProfile -File build.ps1 -Task LabStop -LabDirectory $LabDirectory"
    }
    'LabStop' { Stop-Lab -Directory $LabDirectory }
    'Demo' { Invoke-LabScript -LabProfile 'default' -LabName 'xendemo' -Script 'build/Demo.ps1' }
    'Bench' { Invoke-BenchTask }
    'Load' {
        Invoke-LabScript -LabProfile 'readiness' -LabName 'xenload' -Script 'build/Load.ps1' -ArgumentList '-Callers', $Callers, '-Seconds', $Seconds
    }
    'RealXen' { Invoke-RealXenTask }
}
