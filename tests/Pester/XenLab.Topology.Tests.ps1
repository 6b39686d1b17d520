# The lab's topologies (a profile's "topology"): how the machine reaches the dom0s and how they reach each other.
# topology/forwarded-xm and topology/forwarded-xl: the machine reaches each dom0's sshd only through a TCP forwarder on
# 127.0.0.1 (ssh_config names NAME and fwd-NAME), the dom0s reach each other by name over a migration network.
# topology/bastion-xl: the dom0s sit on an internal network behind the host 'bastion' (ProxyJump). Everything is
# checked with the machine's real OpenSSH client and inside the hosts with `xenlab.py exec`; the last context stops
# the labs and checks that nothing of them is left.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'
    $script:Forwarded = Start-TestLab -Name topofwd -LabProfile topology/forwarded-xm
    $script:ForwardedXl = Start-TestLab -Name topofwx -LabProfile topology/forwarded-xl
    $script:Bastion = Start-TestLab -Name topobst -LabProfile topology/bastion-xl
    $script:Started = @($Forwarded, $ForwardedXl, $Bastion)

    function Invoke-Ssh($TargetLab, [string] $Alias, [string] $Command) {
        <# Runs a command over the machine's OpenSSH with the lab's ssh_config; returns exit code and output. #>
        $output = & ssh -F $TargetLab.ssh_config -o BatchMode=yes -o ConnectTimeout=10 $Alias $Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_".TrimEnd("`r") }) }
    }

    function Get-Address($TargetLab, [string] $HostName, [string] $Field = 'address') {
        (@($TargetLab.hosts) + @($TargetLab.bastion) | Where-Object { $_ -and $_.name -eq $HostName }).$Field
    }

    # From the machine: 'refused', 'unreachable' (no route), 'timeout', or the first bytes the server sends.
    $script:MachineProbe = @'
import socket, sys
s = socket.socket()
s.settimeout(float(sys.argv[3]))
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print(s.recv(4).decode("ascii", "replace"))
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
except OSError:
    print("unreachable")
'@

    function Test-MachineConnection([string] $Address, [int] $Port, [double] $Timeout = 2) {
        & /usr/bin/python3 -I -S -c $MachineProbe $Address $Port $Timeout
    }

    function Get-Leftover($TargetLab) {
        <# What of a lab is on the machine: namespaces, bridges, routes of its subnets, forwarders, its folder. #>
        $bridges = @($TargetLab.bridge, $TargetLab.internal_bridge, $TargetLab.migration_bridge) | Where-Object { $_ }
        $subnets = @($TargetLab.subnet, $TargetLab.internal_subnet, $TargetLab.migration_subnet) | Where-Object { $_ }
        $links = @(& ip -o link show | ForEach-Object { ($_ -split ':\s+')[1] -replace '@.*$', '' })
        $routes = @(& ip -o -4 route show table all)
        @(
            & ip netns list | Where-Object { $_ -like "xl-$($TargetLab.name)-*" }
            $bridges | Where-Object { $links -contains $_ } | ForEach-Object { "bridge $_" }
            foreach ($net in $subnets) { $routes | Where-Object { $_ -match "(^|\s)$([regex]::Escape($net))(\s|$)" } }
            # A forwarder that has ended may stay a zombie until init reaps it: that counts as gone.
            @($TargetLab.hosts) | Where-Object { $_.forwarder_pid -and "$(& ps -o stat= -p $_.forwarder_pid)" -match '^[^Z]' } |
                ForEach-Object { "forwarder $($_.forwarder_pid)" }
            if (Test-Path $TargetLab.dir) { "folder $($TargetLab.dir)" }
        )
    }
}

AfterAll {
    foreach ($started in $script:Started) { if ($started) { Stop-TestLab $started } }
}

Describe 'XenLab topologies' {
    Context 'forwarded client and a migration network (xm pair)' {
        It 'records for <_> its forwarder, management and migration address' -ForEach @('dom0-a', 'dom0-b') {
            $entry = $Forwarded.hosts | Where-Object name -EQ $_
            $entry.client | Should -Be 'forwarded'
            $entry.client_host | Should -Be '127.0.0.1'
            $entry.client_port | Should -BeGreaterThan 1024
            Get-Process -Id $entry.forwarder_pid | Should -Not -BeNullOrEmpty
            $entry.address | Should -BeLike ($Forwarded.subnet -replace '0/24$', '*')
            $entry.migration_address | Should -BeLike ($Forwarded.migration_subnet -replace '0/24$', '*')
            $Forwarded.routes | Should -Be @($Forwarded.migration_subnet)
        }

        It 'logs in to <_> and to fwd-<_> through the forwarder with OpenSSH' -ForEach @('dom0-a', 'dom0-b') {
            $port = ($Forwarded.hosts | Where-Object name -EQ $_).client_port
            foreach ($alias in @($_, "fwd-$_")) {
                $resolved = & ssh -F $Forwarded.ssh_config -G $alias 2>$null
                $resolved | Should -Contain 'hostname 127.0.0.1'
                $resolved | Should -Contain "port $port"
                $result = Invoke-Ssh $Forwarded $alias 'hostname'
                $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
                $result.Output | Should -Be @($_)
            }
        }

        It 'relays many connections at once' {
            $output = & bash -c 'for i in $(seq 1 8); do ssh -F "$1" -o BatchMode=yes fwd-dom0-b "echo ok" & done; wait' bash $Forwarded.ssh_config
            @($output | Where-Object { $_ -eq 'ok' }).Count | Should -Be 8
        }

        It 'resolves a dom0 name on the other dom0 to its migration address, not its management address' {
            foreach ($pair in @(@('dom0-a', 'dom0-b'), @('dom0-b', 'dom0-a'))) {
                $from, $to = $pair
                $line = Invoke-LabHost $Forwarded $from @('getent', 'hosts', $to)
                ($line -split '\s+')[0] | Should -Be (Get-Address $Forwarded $to 'migration_address')
                ($line -split '\s+')[0] | Should -Not -Be (Get-Address $Forwarded $to)
            }
        }

        It 'does not resolve the fwd- aliases inside the hosts' {
            (Invoke-LabHostCommand $Forwarded 'dom0-a' @('getent', 'hosts', 'fwd-dom0-b')).ExitCode | Should -Be 2
            (Invoke-LabHostCommand $Forwarded 'dom0-b' @('getent', 'hosts', 'fwd-dom0-a')).ExitCode | Should -Be 2
        }

        It "answers with each dom0's sshd on its migration address, from the other dom0" {
            $a = Get-Address $Forwarded 'dom0-a' 'migration_address'
            $b = Get-Address $Forwarded 'dom0-b' 'migration_address'
            Test-LabConnection $Forwarded @("dom0-a>${b}:22", "dom0-b>${a}:22") | Should -Be @('open', 'open')
        }

        It "reaches dom0-b's relocation port from dom0-a on the migration address" {
            $b = Get-Address $Forwarded 'dom0-b' 'migration_address'
            Test-LabConnection $Forwarded @("dom0-a>${b}:8002") | Should -Be 'open'
            Invoke-LabHost $Forwarded 'dom0-b' @('ss', '-Hltn', 'sport = :8002') | Should -Match '(\*|0\.0\.0\.0):8002'
        }

        It "gives every host the lab's own shell start-up files, not the machine's" {
            foreach ($entry in $Forwarded.hosts) {
                foreach ($file in @('root/.bashrc', 'root/.profile', 'root/.bash_profile', 'etc/bash.bashrc')) {
                    $own = Get-Content -Raw (Join-Path $entry.root $file)
                    $own | Should -Match 'XenLab host'
                    $seen = Invoke-Ssh $Forwarded $entry.name "cat /$file"
                    $seen.ExitCode | Should -Be 0
                    ($seen.Output -join "`n") | Should -Be $own.TrimEnd("`n")
                }
            }
        }
    }

    Context 'xm migrate without -p uses the source xend relocation port' {
        BeforeAll {
            function Set-DomA([string] $Script) {
                Invoke-LabHost $Forwarded 'dom0-a' @('bash', '-c', $Script) | Out-Null
            }
            # dom0-a's xend reads port 8012; dom0-b's listens on 8002.
            Set-DomA "echo '(xend-relocation-port 8012)' >> /etc/xen/xend-config.sxp && xend restart"
            $script:OtherPort = Invoke-LabHostCommand $Forwarded 'dom0-a' @('xm', 'migrate', 'com-xp1', 'dom0-b')
            # Back to 8002 in the file, but xend keeps what it read until it restarts.
            Set-DomA "sed -i '`$d' /etc/xen/xend-config.sxp"
            $script:NotRestarted = Invoke-LabHostCommand $Forwarded 'dom0-a' @('xm', 'migrate', 'com-xp1', 'dom0-b')
            Set-DomA 'xend restart'
            $script:Migrated = Invoke-LabHostCommand $Forwarded 'dom0-a' @('xm', 'migrate', 'com-xp1', 'dom0-b')
        }

        It "tries the source's port (8012), where dom0-b does not listen" {
            $OtherPort.ExitCode | Should -Be 1
            $OtherPort.Output | Should -Be "Error: can't connect: (111, 'Connection refused')"
        }

        It 'keeps the port xend read at its start until xend restarts' {
            $NotRestarted.ExitCode | Should -Be 1
            $NotRestarted.Output | Should -Be "Error: can't connect: (111, 'Connection refused')"
        }

        It 'migrates com-xp1 to dom0-b over the migration network once xend reads 8002 again' {
            $Migrated.ExitCode | Should -Be 0 -Because $Migrated.Output
            Invoke-LabHost $Forwarded 'dom0-b' @('xm', 'list', 'com-xp1') | Select-Object -Last 1 | Should -Match '^com-xp1\s+\d+\s+64\s'
        }
    }

    Context 'forwarded client and a migration network (xl pair)' {
        It "lets root on xl-a ssh to xl-b by name, over the migration network" {
            $b = Get-Address $ForwardedXl 'xl-b' 'migration_address'
            $result = Invoke-LabHostCommand $ForwardedXl 'xl-a' @('ssh', '-o', 'BatchMode=yes', 'xl-b', 'echo $SSH_CONNECTION')
            $result.ExitCode | Should -Be 0 -Because $result.Output
            ($result.Stdout.Trim() -split ' ')[2] | Should -Be $b
            (Invoke-LabHostCommand $ForwardedXl 'xl-a' @('ssh', '-o', 'BatchMode=yes', $b, 'true')).ExitCode | Should -Be 0
            (Invoke-LabHostCommand $ForwardedXl 'xl-b' @('ssh', '-o', 'BatchMode=yes', 'xl-a', 'true')).ExitCode | Should -Be 0
        }

        It 'migrates tiny with xl migrate' {
            $result = Invoke-LabHostCommand $ForwardedXl 'xl-a' @('xl', 'migrate', 'tiny', 'xl-b')
            $result.ExitCode | Should -Be 0 -Because $result.Output
            ($result.Stderr -split "\r?\n" | Where-Object { $_ })[-1] | Should -Be 'Migration successful.'
        }

        It 'shapes the migration link of every dom0 at both ends' {
            & /usr/bin/python3 $LabScript shape --dir $ForwardedXl.dir --rate 100mbit | Out-Null
            $LASTEXITCODE | Should -Be 0
            try {
                foreach ($entry in $ForwardedXl.hosts) {
                    & tc -n $entry.netns qdisc show dev peth1 | Should -Match 'tbf .*rate 100Mbit'
                    & tc qdisc show dev $entry.migration_veth | Should -Match 'tbf .*rate 100Mbit'
                }
            }
            finally { & /usr/bin/python3 $LabScript shape --dir $ForwardedXl.dir --rate none | Out-Null }
            foreach ($entry in $ForwardedXl.hosts) { & tc -n $entry.netns qdisc show dev peth1 | Should -Not -Match 'tbf' }
        }
    }

    Context 'bastion' {
        It 'logs in to the bastion, and to each dom0 through it with ProxyJump' {
            $result = Invoke-Ssh $Bastion 'bastion' 'hostname'
            $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
            $result.Output | Should -Be @('bastion')
            foreach ($name in @('xl-a', 'xl-b')) {
                & ssh -F $Bastion.ssh_config -G $name 2>$null | Should -Contain 'proxyjump bastion'
                $result = Invoke-Ssh $Bastion $name 'hostname'
                $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
                $result.Output | Should -Be @($name)
            }
        }

        It 'runs commands on the bastion with xenlab.py exec; it has no Xen tools' {
            Invoke-LabHost $Bastion 'bastion' @('hostname') | Should -Be 'bastion'
            (Invoke-LabHostCommand $Bastion 'bastion' @('bash', '-c', 'command -v xl xm xend')).ExitCode | Should -Not -Be 0
        }

        It "gives the bastion the lab's own shell start-up files" {
            $own = Get-Content -Raw (Join-Path $Bastion.bastion.root 'root/.bashrc')
            $own | Should -Match 'XenLab host'
            (Invoke-LabHost $Bastion 'bastion' @('cat', '/root/.bashrc')) -join "`n" | Should -Be $own.TrimEnd("`n")
        }

        It "does not reach the dom0s' internal addresses from the machine, at once" {
            $Bastion.hosts.network | Should -Be @('internal', 'internal')
            (& ip route show).Trim() | Should -Contain "unreachable $($Bastion.internal_subnet)"
            foreach ($entry in $Bastion.hosts) {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                Test-MachineConnection $entry.address 22 | Should -BeIn @('unreachable', 'refused')
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            }
        }

        It 'reaches the bastion from the machine' {
            Test-MachineConnection $Bastion.bastion.address 22 | Should -Be 'SSH-'
        }

        It "maps the dom0 names to their internal addresses inside the dom0s" {
            $line = Invoke-LabHost $Bastion 'xl-a' @('getent', 'hosts', 'xl-b')
            ($line -split '\s+')[0] | Should -Be (Get-Address $Bastion 'xl-b' 'internal_address')
        }

        It 'migrates tiny with xl migrate over the internal network' {
            $result = Invoke-LabHostCommand $Bastion 'xl-a' @('xl', 'migrate', 'tiny', 'xl-b')
            $result.ExitCode | Should -Be 0 -Because $result.Output
        }
    }

    Context 'a profile whose topology is wrong' {
        It 'is refused by check: <Case>' -ForEach @(
            @{ Case = 'unknown client'; Topology = '{"client": "tunnel"}'; Message = "client 'tunnel' is none of direct, forwarded, bastion" }
            @{ Case = 'unknown key'; Topology = '{"jump": "x"}'; Message = 'unknown key jump' }
            @{ Case = 'not a boolean'; Topology = '{"migration_network": "yes"}'; Message = 'migration_network must be true or false' }
            @{ Case = 'bastion without client bastion'; Topology = '{"bastion": "jump"}'; Message = "but client is 'direct'" }
            @{ Case = 'bastion named like a host'; Topology = '{"client": "bastion", "bastion": "dom0-b"}'; Message = "bastion 'dom0-b' has the name of a host" }
        ) {
            $base = (Resolve-Path (Join-Path $PSScriptRoot '../XenLab/profiles/default.json')).Path
            $file = New-TestFile -Name 'profile.json' -Line "{`"extends`": `"$base`", `"topology`": $Topology}"
            try {
                $output = & /usr/bin/python3 $LabScript check --profile $file 2>&1
                $LASTEXITCODE | Should -Be 1
                "$output" | Should -BeLike "xenlab: topology: *$Message*"
            }
            finally { Remove-Item -Recurse -Force (Split-Path $file) }
        }
    }

    Context 'after stop' {
        BeforeAll {
            $script:Leftovers = foreach ($started in $script:Started) {
                Stop-TestLab $started
                Get-Leftover $started
            }
            $script:Started = @()
        }

        It 'leaves no namespace, bridge, route, forwarder or lab folder' {
            $Leftovers | Should -BeNullOrEmpty
        }
    }
}
