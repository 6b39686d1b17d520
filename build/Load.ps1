<#
.SYNOPSIS
    The load run on a running lab: -Callers callers in parallel runspaces of this process share XenPS's sessions
    (one per host, opened here) and loop over read-only calls for -Seconds seconds: Get-XenDomain and Get-XenHost on
    every host, Get-XendRelocation on the xm hosts, and Test-XenMigrationReadiness from each host that runs a guest to
    another host of its toolstack. Every second it samples this process's working set and its established TCP
    connections to each host's sshd. Prints the calls and failures per cmdlet, the connections per host and the
    memory figures, writes them as JSON to -OutputPath, and exits 1 when a call failed, a caller hung in a call, or a
    host had more than one connection.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $LabDirectory,
    [ValidateRange(1, 1024)][int] $Callers = 32,
    [ValidateRange(1, 86400)][int] $Seconds = 60,
    [string] $OutputPath = ([System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../out/load.json')))
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath

$lab = Get-Content -Raw (Join-Path $LabDirectory 'lab.json') | ConvertFrom-Json
$hostNames = @($lab.hosts.name)
New-XenSession -ComputerName $hostNames -SshConfigPath $lab.ssh_config | Out-Null

function New-Operation([string] $Cmdlet, [string] $Target, [hashtable] $Parameters) {
    [pscustomobject]@{ Cmdlet = $Cmdlet; Target = $Target; Parameters = $Parameters }
}

function Get-Operation {
    <# The mix of calls the callers take in turn, built from what the lab's hosts run. #>
    foreach ($entry in $lab.hosts) {
        # With Domain-0 every host has a domain to list, so an empty answer is a failure, not a host without guests.
        New-Operation Get-XenDomain $entry.name @{ ComputerName = $entry.name; IncludeDom0 = $true }
        New-Operation Get-XenHost $entry.name @{ ComputerName = $entry.name }
        # xl-only hosts have no xend to ask: Get-XendRelocation refuses them by design.
        if ('xm' -in $entry.toolstacks) { New-Operation Get-XendRelocation $entry.name @{ ComputerName = $entry.name } }
    }
    foreach ($source in $lab.hosts) {
        $guest = Get-XenDomain -ComputerName $source.name | Select-Object -First 1
        $destination = $lab.hosts | Where-Object { $_.name -ne $source.name -and "$($_.toolstacks)" -eq "$($source.toolstacks)" } |
            Select-Object -First 1
        if ($guest -and $destination) {
            New-Operation Test-XenMigrationReadiness "$($source.name)>$($destination.name)" @{
                Name = $guest.Name; ComputerName = $source.name; Destination = $destination.name
            }
        }
    }
}

$operations = @(Get-Operation)
$cmdlets = @($operations.Cmdlet | Select-Object -Unique)
if ('Test-XenMigrationReadiness' -notin $cmdlets) { throw "The lab in $LabDirectory has no pair of hosts of one toolstack with a guest to check." }

# Each caller counts on its own and hands its tally back at the end, so that counting adds no lock to the load.
$caller = {
    param($Operations, $Start, [int] $Offset)
    [void]$Start.Ready.Signal()
    $Start.Go.Wait()
    $deadline = $Start.Deadline
    $tally = @{}
    foreach ($name in $Operations.Cmdlet) { $tally[$name] = [pscustomobject]@{ Calls = 0; Failures = 0; Errors = [System.Collections.Generic.List[string]]::new() } }
    $turn = $Offset
    while ([datetime]::UtcNow -lt $deadline) {
        $operation = $Operations[$turn++ % $Operations.Count]
        $parameters = $operation.Parameters.Clone()
        $failure = try {
            $output = & $operation.Cmdlet @parameters -ErrorAction SilentlyContinue -ErrorVariable callErrors
            if ($callErrors) { $callErrors[0].ToString() } elseif (-not $output) { 'returned nothing' }
        }
        catch { $_.ToString() }
        $count = $tally[$operation.Cmdlet]
        $count.Calls++
        if ($failure) {
            $count.Failures++
            $message = "$($operation.Target): $failure"
            if ($count.Errors.Count -lt 3 -and $message -notin $count.Errors) { $count.Errors.Add($message) }
        }
    }
    $tally
}

function Get-SocketInode {
    <# The inodes of this process's open sockets, from /proc/self/fd. #>
    $inodes = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($fd in [System.IO.Directory]::GetFiles('/proc/self/fd')) {
        # A descriptor closed since the listing has no target any more.
        $target = try { [System.IO.FileInfo]::new($fd).LinkTarget } catch { $null }
        if ($target -match '^socket:\[(\d+)\]$') { [void]$inodes.Add($Matches[1]) }
    }
    , $inodes
}

function ConvertTo-ProcAddress([string] $Address, [int] $Port) {
    <# An IPv4 address and port as /proc/net/tcp writes them (the address as a host-order word), and as tcp6 writes an IPv4-mapped one. #>
    $bytes = ([System.Net.Dns]::GetHostAddresses($Address) | Where-Object AddressFamily -EQ InterNetwork | Select-Object -First 1).GetAddressBytes()
    if ([System.BitConverter]::IsLittleEndian) { [array]::Reverse($bytes) }
    $word = ([System.BitConverter]::ToString($bytes) -replace '-') + (':{0:X4}' -f $Port)
    @($word, "0000000000000000FFFF0000$word")
}

$endpoints = @{}
foreach ($entry in $lab.hosts) {
    foreach ($form in ConvertTo-ProcAddress $entry.client_host $entry.client_port) { $endpoints[$form] = $entry.name }
}

function Get-Connection {
    <# Established TCP connections of this process to each host's sshd, by host name. #>
    $inodes = Get-SocketInode
    $counts = @{}
    foreach ($name in $hostNames) { $counts[$name] = 0 }
    foreach ($table in '/proc/net/tcp', '/proc/net/tcp6') {
        $lines = [System.IO.File]::ReadAllLines($table)
        # Line 0 is the header; a loop instead of a pipeline keeps a sample short on a busy machine.
        for ($i = 1; $i -lt $lines.Count; $i++) {
            $fields = $lines[$i].Trim() -split '\s+'
            # fields: sl, local, remote, state (01 = ESTABLISHED), queues, timer, retransmits, uid, timeout, inode
            if ($fields[3] -eq '01' -and $inodes.Contains($fields[9]) -and $endpoints.ContainsKey($fields[2])) {
                $counts[$endpoints[$fields[2]]]++
            }
        }
    }
    $counts
}

$process = [System.Diagnostics.Process]::GetCurrentProcess()
function Get-WorkingSetMB { $process.Refresh(); [math]::Round($process.WorkingSet64 / 1MB, 1) }
# The managed heap beside the working set tells a leak (both grow) from a collector that has not run yet.
function Get-ManagedHeapMB { [math]::Round([GC]::GetTotalMemory($false) / 1MB, 1) }

$state = [initialsessionstate]::CreateDefault2()
$state.ImportPSModule($ModulePath)
$pool = [runspacefactory]::CreateRunspacePool($Callers, $Callers, $state, $Host)
$pool.Open()
Write-Host "$Callers callers for $Seconds s over $($operations.Count) calls on $($hostNames -join ', ') ($([Environment]::ProcessorCount) cores)"

$samples = [System.Collections.Generic.List[object]]::new()
function Add-Sample {
    $samples.Add([pscustomobject]@{ At = [math]::Round($clock.Elapsed.TotalSeconds, 1); WorkingSetMB = Get-WorkingSetMB; ManagedHeapMB = Get-ManagedHeapMB; Connections = Get-Connection })
}
# The pool brings its runspaces up one after another, seconds apart on a small machine: the callers wait at a
# start line until all of them are up, so that they all run the same -Seconds and the first sample sees them all.
$start = [pscustomobject]@{
    Ready    = [System.Threading.CountdownEvent]::new($Callers)
    Go       = [System.Threading.ManualResetEventSlim]::new()
    Deadline = [datetime]::MaxValue
}
$running = for ($i = 0; $i -lt $Callers; $i++) {
    $shell = [powershell]::Create()
    $shell.RunspacePool = $pool
    [void]$shell.AddScript($caller).AddArgument($operations).AddArgument($start).AddArgument($i)
    [pscustomobject]@{ Shell = $shell; Result = $shell.BeginInvoke() }
}
if (-not $start.Ready.Wait([timespan]::FromMinutes(2))) {
    $early = $running | Where-Object { $_.Result.IsCompleted } | Select-Object -First 1
    $reason = if ($early) { " A caller ended early: $($early.Shell.InvocationStateInfo.Reason)" } else { '' }
    throw "$($start.Ready.CurrentCount) of $Callers callers were not up after two minutes.$reason"
}
# What the process holds after a full collection, before the load and again after it with the same runspaces and
# sessions open: more after it would be objects that the calls left reachable.
$retainedStartMB = [math]::Round([GC]::GetTotalMemory($true) / 1MB, 1)
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Add-Sample
$start.Deadline = [datetime]::UtcNow.AddSeconds($Seconds)
$start.Go.Set()
# Sampling goes on until the last caller ends, so that the calls still running at the deadline are seen too.
# Samples are due on whole seconds of the run's clock, so that the time a sample takes does not stretch the interval.
# A caller still in a call two minutes after the deadline is hung: it is stopped and counted, so that a CI run ends.
$grace = 120
while (@($running | Where-Object { -not $_.Result.IsCompleted }).Count -and $clock.Elapsed.TotalSeconds -lt $Seconds + $grace) {
    $due = ([math]::Floor($clock.Elapsed.TotalSeconds) + 1) * 1000
    Start-Sleep -Milliseconds ([math]::Max(0, $due - $clock.ElapsedMilliseconds))
    Add-Sample
}
$elapsed = [math]::Round($clock.Elapsed.TotalSeconds, 1)
$retainedEndMB = [math]::Round([GC]::GetTotalMemory($true) / 1MB, 1)
$hung = @($running | Where-Object { -not $_.Result.IsCompleted })
foreach ($run in $hung) { [void]$run.Shell.BeginStop($null, $null) }
$tallies = foreach ($run in $running | Where-Object { $_ -notin $hung }) { $run.Shell.EndInvoke($run.Result); $run.Shell.Dispose() }
# Disposing the pool waits for its runspaces, which a hung call may never free.
if (-not $hung.Count) { $pool.Dispose() }
Get-XenSession | Remove-XenSession
$afterClose = Get-Connection

$perCmdlet = foreach ($name in $cmdlets) {
    $counts = @($tallies | ForEach-Object { $_[$name] })
    [pscustomobject]@{
        Cmdlet   = $name
        Calls    = [int]($counts | Measure-Object -Property Calls -Sum).Sum
        Failures = [int]($counts | Measure-Object -Property Failures -Sum).Sum
        Errors   = @($counts | ForEach-Object { $_.Errors } | Select-Object -Unique -First 3)
    }
}
$connections = foreach ($name in $hostNames) {
    $series = @($samples | ForEach-Object { $_.Connections[$name] } | Measure-Object -Minimum -Maximum)
    [pscustomobject]@{ Host = $name; Min = [int]$series[0].Minimum; Max = [int]$series[0].Maximum; AfterClose = $afterClose[$name] }
}
function Get-MemoryFigure([string] $Property) {
    $series = @($samples | ForEach-Object $Property)
    [ordered]@{ startMB = $series[0]; maxMB = ($series | Measure-Object -Maximum).Maximum; endMB = $series[-1]; series = $series }
}
# A sample is due every second, but a busy machine may leave the sampler out for longer: the series say when.
$memory = [ordered]@{
    samples           = $samples.Count
    atSeconds         = @($samples.At)
    workingSet        = Get-MemoryFigure WorkingSetMB
    managedHeap       = Get-MemoryFigure ManagedHeapMB
    retainedAtStartMB = $retainedStartMB
    retainedAtEndMB   = $retainedEndMB
}

$perCmdlet | Format-Table Cmdlet, Calls, Failures, @{ Label = 'Calls/s'; Expression = { [math]::Round($_.Calls / $elapsed, 1) } } | Out-Host
$connections | Format-Table Host, Min, Max, AfterClose | Out-Host
Write-Host "Run: $elapsed s until the last caller ended$(if ($hung.Count) { "; $($hung.Count) callers hung in a call $grace s after the deadline, their counts lost" })"
foreach ($kind in @(@('Working set', $memory.workingSet), @('Managed heap', $memory.managedHeap))) {
    Write-Host ("{0}: start {1} MB, max {2} MB, end {3} MB ({4} samples)" -f $kind[0], $kind[1].startMB, $kind[1].maxMB, $kind[1].endMB, $memory.samples)
}
Write-Host "Managed heap after a full collection: $retainedStartMB MB before the load, $retainedEndMB MB after it"
foreach ($row in $perCmdlet | Where-Object Failures) { $row.Errors | ForEach-Object { Write-Host "  $($row.Cmdlet) failed: $_" } }

New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutputPath) | Out-Null
[ordered]@{
    callers        = $Callers
    seconds        = $Seconds
    elapsedSeconds = $elapsed
    hungCallers    = $hung.Count
    cores          = [Environment]::ProcessorCount
    hosts          = $hostNames
    cmdlets        = @($perCmdlet | ForEach-Object { [ordered]@{ cmdlet = $_.Cmdlet; calls = $_.Calls; failures = $_.Failures; errors = $_.Errors } })
    connections    = @($connections | ForEach-Object { [ordered]@{ host = $_.Host; min = $_.Min; max = $_.Max; afterClose = $_.AfterClose } })
    memory         = $memory
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $OutputPath
Write-Host "Written: $OutputPath"

$failed = ($perCmdlet | Measure-Object -Property Failures -Sum).Sum
$crowded = @($connections | Where-Object Max -GT 1)
if ($failed -or $hung.Count -or $crowded.Count) {
    Write-Host "Load run failed: $failed failed calls, $($hung.Count) hung callers; hosts with more than one connection: $(if ($crowded.Count) { $crowded.Host -join ', ' } else { 'none' })"
    exit 1
}
