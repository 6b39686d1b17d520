# The lab's xend relocation server (tests/XenLab/xensim/relocation.py): xend reads /etc/xen/xend-config.sxp when
# it starts, listens on the configured address and port only with (xend-relocation-server yes), and admits a peer
# only when its name or address matches xend-relocation-hosts-allow. Each context writes a whole config file for
# dom0-b and restarts its xend; dom0-a and dom0-c connect to it from inside their own namespaces.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name reloc -LabProfile relocation
    $script:Address = @{}
    foreach ($entry in $Lab.hosts) { $Address[$entry.name] = $entry.address }
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'
    # On, admitting dom0-c only: a probe from dom0-a answers at once, "closed" when xend listens, "refused" when not.
    $script:OnForC = @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '^dom0-c$')")


    function Set-XendConfig([string] $HostName, [string[]] $Line, [string[]] $Then = @()) {
        <# Writes the host's /etc/xen/xend-config.sxp, then runs $Then (e.g. xend restart) in the same call and
           returns its exit code and output. #>
        $write = 'import os, sys; open(sys.argv[1], "w").write(sys.argv[2]); sys.argv[3:] and os.execvp(sys.argv[3], sys.argv[3:])'
        Invoke-LabHostCommand $Lab $HostName (@('python3', '-I', '-S', '-c', $write, '/etc/xen/xend-config.sxp', (($Line -join "`n") + "`n")) + $Then)
    }

    function Restart-Xend([string] $HostName, [string[]] $Line) {
        $result = Set-XendConfig $HostName $Line -Then @('xend', 'restart')
        if ($result.ExitCode -ne 0) { throw "xend restart on $HostName failed (exit code $($result.ExitCode)): $($result.Output)" }
    }

    function Get-XendLog([string] $HostName) {
        <# The running xend's pid and the lines of the host's xend.log. #>
        $lines = (Invoke-LabHostCommand $Lab $HostName @('sh', '-c', 'cat /var/run/xend.pid /var/log/xen/xend.log')).Output -split "`n"
        [pscustomobject]@{ Pid = $lines[0]; Lines = @($lines | Select-Object -Skip 1) }
    }

    function Get-LogPattern([string] $ProcessId, [string] $Text) {
        '^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ' + $ProcessId + '\] ' + [regex]::Escape($Text) + '$'
    }

    function Test-Alive([int] $ProcessId) {
        <# True while the process runs; a zombie waiting to be reaped has ended. #>
        $stat = Get-Content -Raw "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
        [bool]$stat -and ($stat -replace '^.*\) ', '')[0] -ne 'Z'
    }
}

AfterAll {
    if ($Lab) { Stop-TestLab $Lab }
}

Describe 'XenLab xend relocation server' {
    Context 'as the profiles leave it' {
        BeforeAll {
            $script:ToB, $script:ToC = Test-LabConnection $Lab 'dom0-a>dom0-b', 'dom0-a>dom0-c'
            $script:LogC = Get-XendLog dom0-c
        }

        It 'does not listen on dom0-b, where the server is commented out' {
            $ToB | Should -Be 'refused'
        }

        It "listens on dom0-c (upstream config) and closes dom0-a's connection: hosts-allow names localhost only" {
            $ToC | Should -Be 'closed'
            @($LogC.Lines -match (Get-LogPattern $LogC.Pid 'DEBUG (tcp:96) Listening on :8002')).Count | Should -Be 1
            $rejected = "WARNING (connection:293) Rejected connection from $($Address['dom0-a']) (dom0-a)."
            @($LogC.Lines -match (Get-LogPattern $LogC.Pid $rejected)).Count | Should -Be 1
        }
    }

    Context 'on for dom0-a only' {
        BeforeAll {
            Set-XendConfig dom0-b @('(xend-relocation-server yes)', '(xend-relocation-port 8002)', "(xend-relocation-address '')",
                "(xend-relocation-hosts-allow '^dom0-a$')") | Out-Null
            $script:BeforeRestart = Test-LabConnection $Lab 'dom0-a>dom0-b'
            $script:Restart = Invoke-LabHostCommand $Lab dom0-b @('xend', 'restart')
            $script:FromA, $script:FromC = Test-LabConnection $Lab 'dom0-a>dom0-b', 'dom0-c>dom0-b'
            $script:Log = Get-XendLog dom0-b
        }

        It 'changes nothing until xend restarts: the running xend keeps its settings' {
            $BeforeRestart | Should -Be 'refused'
            $Restart.ExitCode | Should -Be 0
            $Restart.Output | Should -BeNullOrEmpty
        }

        It 'admits dom0-a and keeps its connection open' {
            $FromA | Should -Be 'open'
        }

        It "closes dom0-c's connection at once" {
            $FromC | Should -Be 'closed'
        }

        It "logs xend's warning with dom0-c's address and name, and nothing about dom0-a" {
            $rejected = "WARNING (connection:293) Rejected connection from $($Address['dom0-c']) (dom0-c)."
            @($Log.Lines -match (Get-LogPattern $Log.Pid $rejected)).Count | Should -Be 1
            @($Log.Lines -match [regex]::Escape($Address['dom0-a'])).Count | Should -Be 0
            @($Log.Lines -match (Get-LogPattern $Log.Pid 'DEBUG (tcp:96) Listening on :8002')).Count | Should -Be 1
        }
    }

    Context 'the init scripts read the config again: <Command>' -ForEach @(
        @{ Command = @('/etc/init.d/xend', 'restart'); Allowed = 'dom0-c'; Refused = 'dom0-a' }
        @{ Command = @('rcxend', 'restart'); Allowed = 'dom0-a'; Refused = 'dom0-c' }
    ) {
        BeforeAll {
            $pattern = '^' + ($Address[$Allowed] -replace '\.', '\\.') + '$'
            $script:Result = Set-XendConfig dom0-b @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '$pattern')") -Then $Command
            $script:FromAllowed, $script:FromRefused = Test-LabConnection $Lab "$Allowed>dom0-b", "$Refused>dom0-b"
        }

        It 'restarts xend' {
            $Result.ExitCode | Should -Be 0
        }

        It 'admits the address that the doubled backslashes spell and closes the other host' {
            $FromAllowed | Should -Be 'open'
            $FromRefused | Should -Be 'closed'
        }
    }

    Context 'bound to 127.0.0.1; two port lines, of which xend takes the first' {
        BeforeAll {
            Restart-Xend dom0-b ($OnForC + '(xend-relocation-address 127.0.0.1)' + '(xend-relocation-port 8092)' + '(xend-relocation-port 8093)')
            $script:Answers = Test-LabConnection $Lab 'dom0-a>dom0-b:8092', 'dom0-b>dom0-b:8092', 'dom0-b>127.0.0.1:8093', 'dom0-b>127.0.0.1:8092'
        }

        It 'refuses connections from other hosts and to its own lab address' {
            $Answers[0..1] | Should -Be 'refused', 'refused'
        }

        It 'listens on 127.0.0.1 at the first port only' {
            $Answers[2..3] | Should -Be 'refused', 'closed'
        }
    }

    Context 'xend stop and start' {
        BeforeAll {
            Restart-Xend dom0-b $OnForC
            $script:Stop = Invoke-LabHostCommand $Lab dom0-b @('rcxend', 'stop')
            $script:Status = Invoke-LabHostCommand $Lab dom0-b @('xend', 'status')
            $script:WhileStopped = Test-LabConnection $Lab 'dom0-a>dom0-b'
            $script:Start = Invoke-LabHostCommand $Lab dom0-b @('/etc/init.d/xend', 'start')
            $script:Started = Test-LabConnection $Lab 'dom0-a>dom0-b'
            $script:InitStatus = Invoke-LabHostCommand $Lab dom0-b @('rcxend', 'status')
        }

        It 'stop ends the listener' {
            $Stop.ExitCode | Should -Be 0
            $Status.ExitCode | Should -Be 3
            $WhileStopped | Should -Be 'refused'
        }

        It 'start listens again' {
            $Start.ExitCode | Should -Be 0
            $Started | Should -Be 'closed'
            $InitStatus.ExitCode | Should -Be 0
        }
    }

    Context 'a config xend cannot read' {
        BeforeAll {
            $script:Message = 'xend [ERROR] Reading config file /etc/xen/xend-config.sxp: unexpected EOF'
            $broken = @('(xend-relocation-server yes')
            Restart-Xend dom0-b $OnForC
            $script:Restart = Set-XendConfig dom0-b $broken -Then @('xend', 'restart')
            $script:StillServing = Test-LabConnection $Lab 'dom0-a>dom0-b'
            Set-XendConfig dom0-b $OnForC -Then @('xend', 'stop') | Out-Null
            $script:Start = Set-XendConfig dom0-b $broken -Then @('xend', 'start')
            $script:AfterStart = Test-LabConnection $Lab 'dom0-a>dom0-b'
        }

        It "fails xend restart with xend's message; the running xend keeps listening" {
            $Restart.ExitCode | Should -Be 1
            $Restart.Output | Should -BeExactly $Message
            $StillServing | Should -Be 'closed'
        }

        It "fails xend start with xend's message and no listener" {
            $Start.ExitCode | Should -Be 1
            $Start.Output | Should -BeExactly $Message
            $AfterStart | Should -Be 'refused'
        }
    }

    Context 'a value xend refuses' {
        BeforeAll {
            Set-XendConfig dom0-b @('(xend-relocation-server yes)', '(xend-relocation-port eighty)') -Then @('xend', 'stop') | Out-Null
            $script:Start = Invoke-LabHostCommand $Lab dom0-b @('xend', 'start')
            $script:After = (Invoke-LabHostCommand $Lab dom0-b @('sh', '-c', 'xend status; echo $?; tail -n 1 /var/log/xen/xend.log')).Output -split "`n"
        }

        It 'fails xend start quietly, as xend does, and xend is not running' {
            $Start.ExitCode | Should -Be 1
            $Start.Output | Should -BeNullOrEmpty
            $After[0] | Should -Be '3'
        }

        It 'leaves the reason in xend.log' {
            $reason = 'ERROR (SrvDaemon:354) Exception starting xend (invalid xend config xend-relocation-port: expected int: eighty)'
            $After[1] | Should -Match (Get-LogPattern '\d+' $reason)
        }
    }

    Context 'xenlab.py stop' {
        BeforeAll {
            Restart-Xend dom0-b $OnForC
            $script:Pids = foreach ($entry in $Lab.hosts) { & ip netns pids $entry.netns }
            Stop-TestLab $Lab
        }

        It 'ends every process of the lab hosts, xend included' {
            @($Pids).Count | Should -BeGreaterOrEqual 6
            $Pids | Where-Object { Test-Alive $_ } | Should -BeNullOrEmpty
        }

        It 'removes the namespaces and the lab directory' {
            @(& ip netns list) -match "^xl-$($Lab.name)-" | Should -BeNullOrEmpty
            Test-Path $Lab.dir | Should -BeFalse
        }
    }
}
