<#
.SYNOPSIS
    The benchmarks that need no lab: Import-Module in a new pwsh against a bare pwsh start and against importing an empty
    module (fresh processes, in turns), and the parsers of xl list + xl list -l and of xm list --long on 1000 domains
    (tests/XenPS.Bench, BenchmarkDotNet, in process, with its MemoryDiagnoser). Writes the rows of the Bench table to ResultPath.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $ResultPath,
    [ValidateSet('Debug', 'Release')][string] $Configuration = 'Release',
    [ValidateRange(3, 100)][int] $StartRuns = 11
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchCommon.psm1')
$root = Split-Path $PSScriptRoot
$rows = [Collections.Generic.List[object]]::new()

function Measure-Pwsh([string] $Command) {
    # The repository's PowerShell (its tool manifest), as build.ps1 runs; the dotnet host's start is in both ways alike.
    # Returns the wall time of the whole process and the last line the command printed.
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $printed = & dotnet pwsh -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' failed (exit code $LASTEXITCODE)." }
    [pscustomobject]@{ Wall = $watch.Elapsed.TotalMilliseconds; Printed = @($printed)[-1] }
}

function Measure-Import([string] $Path) {
    # A new pwsh that imports the module and prints how long Import-Module itself took inside it, which the noise of
    # starting a process on a busy machine does not reach (Measure-Command's own start makes these runs no wall-time figure).
    Measure-Pwsh "(Measure-Command { Import-Module '$($Path -replace "'", "''")' }).TotalMilliseconds"
}

Write-Host "Import-Module in a new pwsh against a bare pwsh start and against importing an empty module ($StartRuns runs each, in turns)"
# An empty module (a manifest and nothing else): what PowerShell itself spends on any Import-Module in a new process,
# finding and compiling the command and reading a manifest; what XenPS costs beyond it is XenPS's own.
$emptyModule = Join-Path ([IO.Path]::GetTempPath()) "xenps-bench-empty-$PID/Empty"
New-Item -ItemType Directory -Force -Path $emptyModule | Out-Null
New-ModuleManifest -Path (Join-Path $emptyModule 'Empty.psd1') -ModuleVersion 1.0.0
Push-Location $root
try {
    Measure-Pwsh 'exit' | Out-Null
    $import, $bare, $empty, $inside, $emptyInside = @(), @(), @(), @(), @()
    for ($i = 0; $i -lt $StartRuns; $i++) {
        $import += Measure-Pwsh "Import-Module '$($ModulePath -replace "'", "''")'"
        $bare += Measure-Pwsh 'exit'
        $empty += Measure-Pwsh "Import-Module '$(Join-Path $emptyModule 'Empty.psd1')'"
        $inside += Measure-Import $ModulePath
        $emptyInside += Measure-Import (Join-Path $emptyModule 'Empty.psd1')
    }
}
finally {
    Pop-Location
    Remove-Item -Recurse -Force (Split-Path $emptyModule)
}
$inside = Get-BenchStats ($inside.Printed | ForEach-Object { [double]$_ })
$emptyInside = Get-BenchStats ($emptyInside.Printed | ForEach-Object { [double]$_ })
$import, $bare, $empty = (Get-BenchStats $import.Wall), (Get-BenchStats $bare.Wall), (Get-BenchStats $empty.Wall)
$rows.Add((New-BenchRow -What "Import-Module in a new pwsh (median of $StartRuns)" -XenPS $import -Plain $bare -PlainWay "bare pwsh -NoProfile -Command 'exit'" `
            -Unit 'ms' -Target '<= plain + 80 ms' -Limit ($bare.median + 80) `
            -Notes @(('Import-Module costs {0:N0} ms over a bare start; importing an empty module (a manifest alone) costs {1:N0} ms over it (median {2:N0} ms, {3:N0}-{4:N0})' -f
                    ($import.median - $bare.median), ($empty.median - $bare.median), $empty.median, $empty.min, $empty.max),
                ('inside the new pwsh, Import-Module itself takes median {0:N0} ms for XenPS ({1:N0}-{2:N0}) and {3:N0} ms for the empty module ({4:N0}-{5:N0}): XenPS''s own part is {6:N0} ms, the rest of an import''s cost is PowerShell''s own' -f
                    $inside.median, $inside.min, $inside.max, $emptyInside.median, $emptyInside.min, $emptyInside.max, ($inside.median - $emptyInside.median)))))

Write-Host 'The parsers on 1000 domains (BenchmarkDotNet)'
$project = Join-Path $root 'tests/XenPS.Bench/XenPS.Bench.csproj'
& dotnet build $project -c $Configuration --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw "Building $project failed (exit code $LASTEXITCODE)." }
$parsed = Join-Path (Split-Path (Split-Path $ResultPath)) 'parsers.json'
& dotnet (Join-Path $root "tests/XenPS.Bench/bin/$Configuration/net10.0/XenPS.Bench.dll") (Join-Path $root 'tests/reference') $parsed | Out-Host
if ($LASTEXITCODE -ne 0) { throw "The parser benchmark failed (exit code $LASTEXITCODE)." }
$parsers = @(Get-Content -Raw $parsed | ConvertFrom-Json)
$sxp = $parsers | Where-Object name -EQ 'XmSxp'
foreach ($parser in $parsers | Where-Object name -In 'Xl', 'Xm') {
    $stats = [ordered]@{ median = $parser.median_ms; min = $parser.min_ms; max = $parser.max_ms; runs = $parser.samples }
    $notes = @(('{0:N2} MB allocated per parse (MemoryDiagnoser)' -f ($parser.allocated_bytes / 1MB)))
    if ($parser.name -eq 'Xm') { $notes += '{0}: median {1:N2} ms, {2:N2} MB allocated' -f $sxp.description, $sxp.median_ms, ($sxp.allocated_bytes / 1MB) }
    $rows.Add((New-BenchRow -What "parsing $($parser.description) of $($parser.domains) domains, in process" -XenPS $stats -Unit 'ms' `
                -Target '<= 10 ms' -Limit 10 -Notes $notes))
}
Save-BenchRows -Path $ResultPath -Rows $rows
