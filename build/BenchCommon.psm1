<#
.SYNOPSIS
    What the benchmark scripts of build.ps1 -Task Bench share: statistics of a set of runs, the rows of the table
    (one figure of XenPS against the plain way, with its target) and the part files the task joins into one report.
#>
$ErrorActionPreference = 'Stop'

function Get-BenchStats {
    <# Median (the mean of the middle two of an even count), minimum, maximum and the runs themselves. #>
    param([Parameter(Mandatory)][double[]] $Values)
    $sorted = @($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    $median = if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
    [ordered]@{ median = $median; min = $sorted[0]; max = $sorted[-1]; runs = $sorted.Count; values = $Values }
}

function Measure-Seconds {
    <# Wall time of a script block in seconds; its output is discarded. #>
    param([Parameter(Mandatory)][scriptblock] $Script)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Script | Out-Null
    $watch.Elapsed.TotalSeconds
}

function New-BenchRow {
    <#
    One row of the table. XenPS and Plain are Get-BenchStats results (Plain may be absent) in Unit; Limit is the target's
    bound in Unit, or absent for a figure that is only reported; Met says whether the target holds when it is more than
    XenPS's median at most Limit. Notes name what was measured about where the time goes.
    #>
    param(
        [Parameter(Mandatory)][string] $What,
        [Parameter(Mandatory)] $XenPS,
        $Plain,
        [string] $PlainWay = '',
        [Parameter(Mandatory)][string] $Unit,
        [string] $Target = 'report it',
        $Limit,
        $Met,
        [string[]] $Notes = @()
    )
    if ($null -eq $Met -and $null -ne $Limit) { $Met = $XenPS.median -le $Limit }
    [ordered]@{
        what      = $What
        unit      = $Unit
        xenps     = $XenPS
        plain_way = $PlainWay
        plain     = $Plain
        ratio     = if ($Plain -and $Plain.median) { $XenPS.median / $Plain.median } else { $null }
        target    = $Target
        limit     = $Limit
        met       = $Met
        notes     = $Notes
    }
}

function Save-BenchRows {
    <# Writes a script's rows to its part file, which build.ps1 -Task Bench joins into the report. #>
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][object[]] $Rows)
    New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
    ConvertTo-Json -InputObject @($Rows) -Depth 6 | Set-Content -LiteralPath $Path
}

function Format-BenchValue($Value, [string] $Unit) {
    if ($null -eq $Value) { return '' }
    '{0:N2} {1}' -f $Value, $Unit
}

function Write-BenchReport {
    <#
    Joins the part files of PartsDirectory (in name order) into one report: prints the table (what, XenPS median, plain
    median, ratio, spread min-max, target, met), then each row's notes, and writes Directory/bench-yyyyMMdd-HHmmss.json
    and Directory/latest.json. Returns the report.
    #>
    param([Parameter(Mandatory)][string] $PartsDirectory, [Parameter(Mandatory)][string] $Directory, [double] $Seconds)
    $rows = foreach ($part in Get-ChildItem -LiteralPath $PartsDirectory -Filter *.json | Sort-Object Name) {
        Get-Content -Raw -LiteralPath $part.FullName | ConvertFrom-Json
    }
    $table = foreach ($row in $rows) {
        $spread = '{0:N2}-{1:N2}' -f $row.xenps.min, $row.xenps.max
        if ($row.plain) { $spread += ' / plain {0:N2}-{1:N2}' -f $row.plain.min, $row.plain.max }
        [pscustomobject]@{
            What   = $row.what
            XenPS  = Format-BenchValue $row.xenps.median $row.unit
            Plain  = if ($row.plain) { Format-BenchValue $row.plain.median $row.unit } else { '' }
            Ratio  = if ($null -ne $row.ratio) { '{0:N2}' -f $row.ratio } else { '' }
            Spread = $spread
            Target = if ($null -ne $row.limit) { '{0} ({1})' -f $row.target, (Format-BenchValue $row.limit $row.unit) } else { $row.target }
            Result = switch ($row.met) { $true { 'met' } $false { 'NOT met' } default { '' } }
        }
    }
    # Wide enough for every column whatever the terminal: the table is read in logs as much as on a screen.
    $table | Format-Table -Property What, XenPS, Plain, Ratio, Spread, Target, Result | Out-String -Width 400 | Out-Host
    foreach ($row in $rows | Where-Object { $_.notes }) {
        Write-Host "$($row.what):"
        foreach ($note in $row.notes) { Write-Host "  $note" }
    }
    $now = Get-Date
    $report = [ordered]@{
        date      = $now.ToString('o')
        commit    = (& git -C $PSScriptRoot rev-parse HEAD 2>$null)
        machine   = [ordered]@{ processors = [Environment]::ProcessorCount; load_average = (Get-Content -Raw /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3 }
        seconds   = $Seconds
        rows      = @($rows)
    }
    New-Item -ItemType Directory -Force -Path $Directory | Out-Null
    $json = ConvertTo-Json -InputObject $report -Depth 8
    $path = Join-Path $Directory ('bench-{0:yyyyMMdd-HHmmss}.json' -f $now)
    Set-Content -LiteralPath $path -Value $json
    Set-Content -LiteralPath (Join-Path $Directory 'latest.json') -Value $json
    Write-Host "`nWritten: $path and latest.json beside it"
    $report
}

Export-ModuleMember -Function Get-BenchStats, Measure-Seconds, New-BenchRow, Save-BenchRows, Write-BenchReport
