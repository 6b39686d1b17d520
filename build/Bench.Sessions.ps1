<#
.SYNOPSIS
    The session benchmarks on a running fan-out lab (profile fanout: sixteen small xl hosts h01..h16 behind forwarders
    that add link_delay each way; the Bench task adds host 'big' with 1000 domains): Get-XenDomain over a warm session
    against multiplexed ssh, a new session against a fresh ssh, sixteen hosts at once against one host and against host
    after host, the memory of a listing of 1000 domains, and the hosts' own time for the same commands without SSH.
    Writes the rows of the Bench table to ResultPath.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $LabDirectory,
    [Parameter(Mandatory)][string] $ResultPath,
    [ValidateRange(3, 100)][int] $WarmRuns = 15,
    [ValidateRange(3, 100)][int] $FreshRuns = 5,
    [ValidateRange(3, 100)][int] $FanoutRuns = 5
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchCommon.psm1')
$lab = Get-Content -Raw (Join-Path $LabDirectory 'lab.json') | ConvertFrom-Json
$config = $lab.ssh_config
$hosts = @($lab.hosts.name | Where-Object { $_ -match '^h\d\d$' } | Sort-Object)
$big = 'big'
$commands = 'xl list; xl list -l'
$labScript = Join-Path $PSScriptRoot '../tests/XenLab/xenlab.py'
if ($lab.link_delay -notmatch '^([\d.]+)(us|ms|s)$') { throw "The fan-out lab has no link_delay (lab.json says '$($lab.link_delay)')." }
# The forwarder holds each chunk link_delay each way; the lab's own veths add about a tenth of a millisecond.
$roundTrip = 2 * [double]$Matches[1] * @{ us = 1e-6; ms = 1e-3; s = 1 }[$Matches[2]]
$controlPath = Join-Path ([IO.Path]::GetTempPath()) "xenps-bench-$PID-%C"

function Measure-HostFloor([string] $HostName, [int] $Runs) {
    <# The commands' own time inside the host, without SSH: each run timed there, in seconds. #>
    $script = "for i in `$(seq $Runs); do s=`$(date +%s%N); $($commands -replace ';', ' >/dev/null;') >/dev/null; e=`$(date +%s%N); echo `$((e-s)); done"
    $lines = & /usr/bin/python3 $labScript exec --dir $LabDirectory $HostName -- /bin/sh -c $script
    if ($LASTEXITCODE -ne 0) { throw "Timing '$commands' inside $HostName failed (exit code $LASTEXITCODE)." }
    @($lines | ForEach-Object { [double]$_ / 1e9 })
}

function Measure-FloorAtOnce([string[]] $HostNames) {
    <#
    The commands inside every host at once, without SSH: Wall, from the first start to the last end, and Cpu, the CPU time
    (user and system) the commands took in all hosts together, in seconds; what the machine's other work takes of its cores
    changes the first, not the second. Each host waits for one common instant before it starts, so that the xenlab exec
    processes that enter the hosts (a Python start each) have done their own work by then.
    #>
    # Time enough for every xenlab exec to start and enter its host on a loaded machine of two cores.
    $lead = [long]((1 + 0.15 * $HostNames.Count) * 1e9)
    $start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() * 1000000 + $lead
    $script = "d=`$(($start - `$(date +%s%N))); [ `$d -gt 0 ] && sleep `$((d / 1000000000)).`$(printf %09d `$((d % 1000000000)))
date +%s%N; $($commands -replace ';', ' >/dev/null;') >/dev/null; date +%s%N; times"
    $processes = foreach ($name in $HostNames) {
        $info = [Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
        foreach ($argument in @($labScript, 'exec', '--dir', $LabDirectory, $name, '--', '/bin/sh', '-c', $script)) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        [Diagnostics.Process]::Start($info)
    }
    $times, $cpu = @(), 0.0
    foreach ($process in $processes) {
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "Timing '$commands' inside the hosts at once failed (exit code $($process.ExitCode))." }
        $lines = @($output -split "`n" | Where-Object { $_ })
        $times += [double]$lines[0], [double]$lines[1]
        # The last line of the shell's times: its children's user and system time, as 0m0.012000s 0m0.004000s.
        foreach ($part in [regex]::Matches($lines[-1], '(\d+)m([\d.]+)s')) { $cpu += 60 * [double]$part.Groups[1].Value + [double]$part.Groups[2].Value }
    }
    [pscustomobject]@{ Wall = ($times | Measure-Object -Maximum).Maximum / 1e9 - ($times | Measure-Object -Minimum).Minimum / 1e9; Cpu = $cpu }
}

function ConvertTo-Ms($Stats) {
    $ms = [ordered]@{}
    foreach ($key in $Stats.Keys) { $ms[$key] = if ($key -eq 'runs') { $Stats[$key] } else { $Stats[$key] | ForEach-Object { $_ * 1000 } } }
    $ms
}

$rows = [Collections.Generic.List[object]]::new()

Write-Host "Get-XenDomain over a warm session against multiplexed ssh and the host's own time for '$commands' ($WarmRuns runs each, in turns)"
New-XenSession -ComputerName $hosts[0] -SshConfigPath $config | Out-Null
& ssh -F $config -o ControlMaster=yes -o ControlPath=$controlPath -o ControlPersist=600 -fN $hosts[0]
if ($LASTEXITCODE -ne 0) { throw "Starting the ssh control master for $($hosts[0]) failed (exit code $LASTEXITCODE)." }
try {
    Get-XenDomain -ComputerName $hosts[0] | Out-Null
    & ssh -F $config -o ControlPath=$controlPath $hosts[0] $commands | Out-Null
    # The host's own time is taken in the same turns, so that a busy moment of the machine weighs on the floor as on the calls.
    $warm, $multiplexed, $floorRuns = @(), @(), @()
    for ($i = 0; $i -lt $WarmRuns; $i++) {
        $warm += Measure-Seconds { Get-XenDomain -ComputerName $hosts[0] }
        $multiplexed += Measure-Seconds { & ssh -F $config -o ControlPath=$controlPath $hosts[0] $commands }
        $floorRuns += Measure-HostFloor $hosts[0] 1
    }
}
finally { & ssh -F $config -o ControlPath=$controlPath -O exit $hosts[0] 2>$null }
$warm, $multiplexed, $floor = (Get-BenchStats $warm), (Get-BenchStats $multiplexed), (Get-BenchStats $floorRuns)
$bigFloor = Get-BenchStats (Measure-HostFloor $big 3)
$rows.Add((New-BenchRow -What "the host's own floor: '$commands' inside h01 without SSH (median of $WarmRuns)" -XenPS (ConvertTo-Ms $floor) -Unit 'ms' `
            -Notes @(('the same inside {0} (1000 domains): median {1:N0} ms' -f $big, ($bigFloor.median * 1000)))))
$limit = $floor.median + $roundTrip + 0.010
$rows.Add((New-BenchRow -What "Get-XenDomain, warm session (median of $WarmRuns)" -XenPS (ConvertTo-Ms $warm) -Plain (ConvertTo-Ms $multiplexed) `
            -PlainWay "multiplexed ssh h01 '$commands' (ControlMaster/ControlPath/ControlPersist)" -Unit 'ms' `
            -Target "<= the host's own time + one round trip + 10 ms" -Limit ($limit * 1000) `
            -Notes @(('the host''s own time {0:N0} ms + one round trip {1:N0} ms + 10 ms = {2:N0} ms; XenPS over that floor and round trip: {3:N0} ms' -f
                    ($floor.median * 1000), ($roundTrip * 1000), ($limit * 1000), (($warm.median - $floor.median - $roundTrip) * 1000)),
                ('over the host''s own time, XenPS takes {0:N1} round trips and multiplexed ssh {1:N1}' -f
                    (($warm.median - $floor.median) / $roundTrip), (($multiplexed.median - $floor.median) / $roundTrip)))))

Write-Host "A new session + Get-XenDomain against a fresh ssh ($FreshRuns runs each, in turns)"
$fresh, $opening, $listing, $plainFresh = @(), @(), @(), @()
for ($i = 0; $i -lt $FreshRuns; $i++) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $session = New-XenSession -ComputerName $hosts[1] -SshConfigPath $config
    $opened = $watch.Elapsed.TotalSeconds
    Get-XenDomain -Session $session | Out-Null
    $fresh += $watch.Elapsed.TotalSeconds
    $opening += $opened
    $listing += $watch.Elapsed.TotalSeconds - $opened
    $session | Remove-XenSession
    $plainFresh += Measure-Seconds { & ssh -F $config -o ControlPath=none $hosts[1] $commands }
}
$fresh, $plainFresh = (Get-BenchStats $fresh), (Get-BenchStats $plainFresh)
$rows.Add((New-BenchRow -What "new session + Get-XenDomain (median of $FreshRuns)" -XenPS (ConvertTo-Ms $fresh) -Plain (ConvertTo-Ms $plainFresh) `
            -PlainWay "a fresh ssh h02 '$commands'" -Unit 'ms' -Target '<= 1.2x plain' -Limit ($plainFresh.median * 1.2 * 1000) `
            -Notes @(('New-XenSession median {0:N0} ms (connect, authenticate, detect the toolstack), then Get-XenDomain median {1:N0} ms; Remove-XenSession not timed' -f
                ((Get-BenchStats $opening).median * 1000), ((Get-BenchStats $listing).median * 1000)))))

Write-Host "Get-XenDomain on one host, on $($hosts.Count) hosts at once, and host after host (warm sessions)"
New-XenSession -ComputerName $hosts[1..($hosts.Count - 1)] -SshConfigPath $config | Out-Null
Get-XenDomain -ComputerName $hosts | Out-Null
$one, $atOnce, $afterAnother = @(), @(), @()
for ($i = 0; $i -lt $FanoutRuns; $i++) {
    $one += Measure-Seconds { Get-XenDomain -ComputerName $hosts[0] }
    $atOnce += Measure-Seconds { Get-XenDomain -ComputerName $hosts }
    if ($i -lt 3) { $afterAnother += Measure-Seconds { foreach ($name in $hosts) { Get-XenDomain -ComputerName $name } } }
}
$one, $atOnce, $afterAnother = (Get-BenchStats $one), (Get-BenchStats $atOnce), (Get-BenchStats $afterAnother)
$floorsAtOnce = @(1..3 | ForEach-Object { Measure-FloorAtOnce $hosts })
$floorAtOnce, $floorCpu = (Get-BenchStats $floorsAtOnce.Wall), (Get-BenchStats $floorsAtOnce.Cpu)
$fanoutLimit = [math]::Min($one.median * 1.5, $afterAnother.median / 8)
$cpuBound = $floorCpu.median / [Environment]::ProcessorCount
$rows.Add((New-BenchRow -What "Get-XenDomain on $($hosts.Count) hosts at once (median of $FanoutRuns; host after host: of 3)" -XenPS (ConvertTo-Ms $atOnce) -Plain (ConvertTo-Ms $afterAnother) `
            -PlainWay 'the same cmdlet host after host' -Unit 'ms' -Target '<= 1.5x one host, and >= 8x faster than host after host' `
            -Limit ($fanoutLimit * 1000) `
            -Notes @(('one host: median {0:N0} ms (spread {1:N0}-{2:N0}); {3} hosts at once = {4:N2}x one host, {5:N1}x faster than host after host' -f
                    ($one.median * 1000), ($one.min * 1000), ($one.max * 1000), $hosts.Count, ($atOnce.median / $one.median), ($afterAnother.median / $atOnce.median)),
                ('the {0} hosts running ''{1}'' themselves, all at once without SSH on this machine''s {2} cores: median {3:N0} ms (spread {4:N0}-{5:N0}) from the first start to the last end, {6:N1}x one host''s own {7:N0} ms' -f
                    $hosts.Count, $commands, [Environment]::ProcessorCount, ($floorAtOnce.median * 1000), ($floorAtOnce.min * 1000), ($floorAtOnce.max * 1000),
                    ($floorAtOnce.median / $floor.median), ($floor.median * 1000)),
                ('the hosts'' commands at once take {0:N0} ms of CPU together (median; {1:N0} ms a host): {2:N0} ms on {3} cores even with nothing else running, against the target''s {4:N0} ms (1.5x one host: {5:N0}, host after host / 8: {6:N0}){7}' -f
                    ($floorCpu.median * 1000), ($floorCpu.median / $hosts.Count * 1000), ($cpuBound * 1000), [Environment]::ProcessorCount, ($fanoutLimit * 1000),
                    ($one.median * 1500), ($afterAnother.median / 8 * 1000),
                    $(if ($cpuBound -ge $fanoutLimit) { ': the hosts'' own work alone exceeds the target on this machine' } else { '' })))))

Write-Host "Memory of Get-XenDomain on $big (1000 domains)"
New-XenSession -ComputerName $big -SshConfigPath $config | Out-Null
$count = @(Get-XenDomain -ComputerName $big -IncludeDom0).Count
if ($count -ne 1000) { throw "Get-XenDomain lists $count domains on $big, not 1000." }
$allocated, $held, $grown, $took = @(), @(), @(), @()
for ($i = 0; $i -lt 3; $i++) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $heap = [GC]::GetTotalMemory($true)
    $workingSet = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
    $before = [GC]::GetTotalAllocatedBytes($true)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $domains = Get-XenDomain -ComputerName $big -IncludeDom0
    $took += $watch.Elapsed.TotalSeconds
    $allocated += ([GC]::GetTotalAllocatedBytes($true) - $before) / 1MB
    $grown += ([Diagnostics.Process]::GetCurrentProcess().WorkingSet64 - $workingSet) / 1MB
    $held += ([GC]::GetTotalMemory($true) - $heap) / 1MB
    $domains = $null
}
$rows.Add((New-BenchRow -What 'memory of a Get-XenDomain on 1000 domains (allocated in the pwsh process, median of 3)' -XenPS (Get-BenchStats $allocated) -Unit 'MB' `
            -Notes @(('the 1000 domains held afterwards: {0:N1} MB of managed heap; working set growth {1:N1} MB (first run {2:N1} MB); peak working set {3:N0} MB; the call took median {4:N0} ms, the host''s own time {5:N0} ms' -f
                (Get-BenchStats $held).median, (Get-BenchStats $grown).median, $grown[0], ([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB),
                ((Get-BenchStats $took).median * 1000), ($bigFloor.median * 1000)))))

Get-XenSession | Remove-XenSession
Save-BenchRows -Path $ResultPath -Rows $rows
