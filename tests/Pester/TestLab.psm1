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
    $lab | Add-Member -NotePropertyName Profile -NotePropertyValue (Get-LabProfile $LabProfile) -Force
    return $lab
}

function Stop-TestLab {
    param([Parameter(Mandatory)] $Lab)
    & $script:Python $script:LabScript stop --dir $Lab.dir | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "Lab '$($Lab.name)' did not stop cleanly (exit code $LASTEXITCODE)." }
}

function Connect-TestLab {
    <# Opens a XenPS session to every host of the lab, through its ssh_config. #>
    param([Parameter(Mandatory)] $Lab)
    New-XenSession -ComputerName $Lab.hosts.name -SshConfigPath $Lab.ssh_config | Out-Null
}

function Invoke-LabHost {
    <# Runs a command inside a lab host's namespaces as root and returns its output lines. #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName, [Parameter(Mandatory)][string[]] $Command)
    $output = & $script:Python $script:LabScript exec --dir $Lab.dir $HostName -- @Command
    if ($LASTEXITCODE -ne 0) { throw "'$($Command -join ' ')' on $HostName failed (exit code $LASTEXITCODE): $output" }
    return $output
}

$script:Signaller = @'
import os, signal, sys
# Signals the lab processes of this host (same network namespace) whose arguments hold the given words in a row,
# leaving out shells (the migration job's own sh carries the command as its arguments); prints their pids.
sig, words = getattr(signal, "SIG" + sys.argv[1]), sys.argv[2:]
own = os.readlink("/proc/self/ns/net")
hits = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if int(pid) == os.getpid() or os.readlink("/proc/%s/ns/net" % pid) != own:
            continue
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            argv = f.read().decode(errors="replace").split("\0")
    except OSError:
        continue
    if os.path.basename(argv[0]) in ("sh", "dash", "bash"):
        continue
    if any(argv[i:i + len(words)] == words for i in range(len(argv))):
        os.kill(int(pid), sig)
        hits.append(pid)
print(" ".join(hits))
sys.exit(0 if hits else 1)
'@

function Send-LabSignal {
    <# Sends a signal to the lab processes of one host that run the given words (their pids come back). #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName, [Parameter(Mandatory)][string] $Signal, [Parameter(Mandatory)][string[]] $Words)
    Invoke-LabHost $Lab $HostName (@('/usr/bin/python3', '-I', '-S', '-c', $script:Signaller, $Signal) + $Words)
}

function Set-LabLinkRate {
    <# Limits every link of the lab to the rate (tc's notation, such as 16mbit), or lifts the limit with 'none'. #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $Rate)
    & $script:Python $script:LabScript shape --dir $Lab.dir --rate $Rate | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "The links of lab '$($Lab.name)' could not be shaped to $Rate (exit code $LASTEXITCODE)." }
}

$script:ConnectionProbe = @'
import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except ConnectionRefusedError:
    print("refused")
    sys.exit()
except OSError:
    print("unreachable")
    sys.exit()
s.settimeout(1)
try:
    print("closed" if s.recv(1) == b"" else "open")
except ConnectionResetError:
    print("closed")
except TimeoutError:
    print("open")
'@

function Start-LabHostCommand {
    <# Starts `xenlab.py exec` of a command inside a lab host, with its output redirected; returns the process. #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName, [Parameter(Mandatory)][string[]] $Command)
    $info = [System.Diagnostics.ProcessStartInfo]::new($script:Python)
    foreach ($argument in @('-S', $script:LabScript, 'exec', '--dir', $Lab.dir, $HostName, '--') + $Command) { $info.ArgumentList.Add($argument) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($info)
}

function Receive-LabHostCommand {
    <#
    Waits for a started command; returns its exit code, its stdout and stderr, and Output: both (stdout, then
    stderr) without the last newline.
    #>
    param([Parameter(Mandatory)][System.Diagnostics.Process] $Process)
    $errors = $Process.StandardError.ReadToEndAsync()
    $stdout = $Process.StandardOutput.ReadToEnd()
    $stderr = $errors.GetAwaiter().GetResult()
    $Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Process.ExitCode; Output = ($stdout + $stderr).TrimEnd("`n"); Stdout = $stdout; Stderr = $stderr }
}

function Invoke-LabHostCommand {
    <# Runs a command inside a lab host and returns its exit code and output, whatever the exit code (Invoke-LabHost throws). #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string] $HostName, [Parameter(Mandatory)][string[]] $Command)
    Receive-LabHostCommand (Start-LabHostCommand $Lab $HostName $Command)
}

function Test-LabConnection {
    <#
    Probes every 'FROM>TO[:PORT]' at once, from inside lab host FROM to TO (a lab host name or an address) on PORT
    (8002 unless given), and returns in order what happened: 'refused', 'closed' (accepted, then closed by the
    server within a second), 'open', or 'unreachable'.
    #>
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)][string[]] $Path)
    $running = foreach ($entry in $Path) {
        $from, $to = $entry -split '>'
        $to, $port = $to -split ':'
        $address = ($Lab.hosts | Where-Object name -EQ $to).address
        Start-LabHostCommand $Lab $from @($script:Python, '-I', '-S', '-c', $script:ConnectionProbe, ($address ?? $to), ($port ?? '8002'))
    }
    foreach ($process in $running) {
        $result = Receive-LabHostCommand $process
        if ($result.ExitCode -ne 0) { throw "The connection probe failed (exit code $($result.ExitCode)): $($result.Output)" }
        $result.Output.Trim()
    }
}

function Get-LabProfile {
    <#
    A profile as the lab builds it, read without starting anything: its extends chain applied and validated
    (xenlab.py check --json); Start-TestLab's Profile property holds the same.
    #>
    param([Parameter(Mandatory)][string] $LabProfile)
    $profilePath = Join-Path $PSScriptRoot "../XenLab/profiles/$LabProfile.json"
    $json = & $script:Python $script:LabScript check --profile $profilePath --json
    if ($LASTEXITCODE -ne 0) { throw "Profile '$LabProfile' is not valid (exit code $LASTEXITCODE); xenlab.py printed why." }
    return ($json -join "`n") | ConvertFrom-Json
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

function Get-PwshCommand {
    <# The program and first arguments that start the PowerShell running the tests, with a script file. #>
    param([Parameter(Mandatory)][string] $File)
    $exe = [Environment]::ProcessPath
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix += Join-Path $PSHOME 'pwsh.dll' }
    return @($exe) + $prefix + @('-NoProfile', '-NonInteractive', '-File', $File)
}

function Invoke-ChildPwsh {
    <# Runs a script file in a new PowerShell process (the one running the tests), returning its output lines. #>
    param([Parameter(Mandatory)][string] $File, [string[]] $ArgumentList = @())
    $exe, $arguments = Get-PwshCommand $File
    $output = & $exe @arguments @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$File failed (exit code $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    return $output
}

function Start-ChildPwsh {
    <#
    Starts a script file in a new PowerShell process with its output redirected, and returns the process, whose Id
    takes the signals sent to it: SIGINT is set back to its default first (env --default-signal), because a shell
    that runs the tests in the background leaves it ignored, and an ignored SIGINT never reaches PowerShell as Ctrl+C.
    #>
    param([Parameter(Mandatory)][string] $File)
    $info = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/env')
    foreach ($argument in @('--default-signal=INT') + (Get-PwshCommand $File)) { $info.ArgumentList.Add($argument) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($info)
}

Export-ModuleMember -Function Start-TestLab, Stop-TestLab, Connect-TestLab, Invoke-LabHost, Send-LabSignal, Set-LabLinkRate, Start-LabHostCommand, Receive-LabHostCommand, Invoke-LabHostCommand, Test-LabConnection, Get-LabProfile, Get-LabHost, New-TestFile, Invoke-ChildPwsh, Start-ChildPwsh
