BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name prel -LabProfile relocation
    $script:ConfigFile = '/etc/xen/xend-config.sxp'
    New-XenSession -ComputerName dom0-a, dom0-b, dom0-c -SshConfigPath $Lab.ssh_config | Out-Null
    Invoke-LabHost $Lab dom0-b @('cp', '-p', $ConfigFile, '/root/xend-config.sxp.orig') | Out-Null

    function Get-ConfigHash { (Invoke-LabHost $Lab dom0-b @('sha256sum', $ConfigFile)) -replace ' .*' }
    function Get-ConfigLines { Invoke-LabHost $Lab dom0-b @('cat', $ConfigFile) }
    function Get-Backups { @(Invoke-LabHost $Lab dom0-b @('sh', '-c', 'ls /etc/xen | grep "\.xenps-.*\.bak$" || true') | Where-Object { $_ }) }
    function Get-XendPid { Invoke-LabHost $Lab dom0-b @('cat', '/var/run/xend.pid') }

    # dom0-b as in the original setup: its own config (relocation off), no backups, xend freshly started on it.
    function Reset-DomB {
        Invoke-LabHost $Lab dom0-b @('sh', '-c', "rm -rf $ConfigFile /etc/xen/real && cp -p /root/xend-config.sxp.orig $ConfigFile && rm -f /etc/xen/*.xenps-*.bak && xend restart") | Out-Null
    }
    $script:OriginalHash = Get-ConfigHash
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'Get-XendRelocation' {
    BeforeAll { Reset-DomB }

    It 'reads the settings with xend''s defaults, and whether xend runs and listens' {
        $config = Get-XendRelocation -ComputerName dom0-b
        $config.ComputerName | Should -Be 'dom0-b'
        $config.Path | Should -Be $ConfigFile
        $config.FileExists | Should -BeTrue
        $config.Server | Should -BeFalse
        $config.Port | Should -Be 8002
        $config.XendRunning | Should -BeTrue
        $config.Listening | Should -BeFalse
    }

    It 'sees a running listener on a host whose relocation server is on' {
        $config = Get-XendRelocation -ComputerName dom0-a
        $config.Server | Should -BeTrue
        $config.HostsAllow | Should -Be @('^localhost$', '^localhost\.localdomain$')
        $config.Listening | Should -BeTrue
    }

    It 'queries several hosts at once' {
        (Get-XendRelocation -ComputerName dom0-a, dom0-b, dom0-c).ComputerName | Should -Be @('dom0-a', 'dom0-b', 'dom0-c')
    }

    It 'refuses an xl-only host, saying that xl migrates over SSH' {
        $xlLab = Start-TestLab -Name prelxl
        try {
            $session = New-XenSession -ComputerName xl-host -SshConfigPath $xlLab.ssh_config
            $failure = { Get-XendRelocation -Session $session -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'XendNotInstalled,*'
            $failure.Exception.Message | Should -BeLike '*xl migrates over SSH*ssh -o BatchMode=yes xl-host true*'
            Remove-XenSession $session
        }
        finally {
            Stop-TestLab $xlLab
        }
    }
}

Describe 'a host without /etc/xen/xend-config.sxp' {
    # xend reads a missing file as an empty one and runs with its built-in defaults; so does the lab's xend.
    BeforeEach { Invoke-LabHost $Lab dom0-b @('sh', '-c', "rm -f $ConfigFile && xend restart") | Out-Null }
    AfterAll { Reset-DomB }

    It 'Get-XendRelocation returns xend''s defaults, says that the file is absent, and warns' {
        $config = Get-XendRelocation -ComputerName dom0-b -WarningVariable warnings -WarningAction SilentlyContinue
        $config.FileExists | Should -BeFalse
        $config.Path | Should -Be $ConfigFile
        $config.Server | Should -BeFalse
        $config.Port | Should -Be 8002
        $config.Address | Should -Be ''
        $config.HostsAllow | Should -BeNullOrEmpty
        $config.XendRunning | Should -BeTrue
        $config.Listening | Should -BeFalse
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Be "dom0-b has no $ConfigFile`: xend there runs with its built-in defaults, which are shown (relocation server off), unless it was started with another file in XEND_CONFIG."
    }

    It 'Get-XendRelocation warns only about the host without the file' {
        $configs = Get-XendRelocation -ComputerName dom0-a, dom0-b -WarningVariable warnings -WarningAction SilentlyContinue
        $configs.FileExists | Should -Be @($true, $false)
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -BeLike 'dom0-b has no *'
    }

    It 'Set-XendRelocation refuses with XendConfigNotFound, says how to create the file, and creates nothing' {
        $failure = { Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -Be 'XendConfigNotFound,XenPS.Commands.SetXendRelocationCommand'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.TargetObject | Should -Be 'dom0-b'
        $failure.Exception.Message | Should -BeLike "$ConfigFile does not exist on dom0-b, so xend there runs with its built-in defaults*'touch $ConfigFile' as root on dom0-b*run Set-XendRelocation again*-Path*"
        (Invoke-LabHostCommand $Lab dom0-b @('test', '-e', $ConfigFile)).ExitCode | Should -Be 1
        Get-Backups | Should -BeNullOrEmpty
    }

    It 'Set-XendRelocation changes the file once it is created as the error says' {
        Invoke-LabHost $Lab dom0-b @('touch', $ConfigFile) | Out-Null

        $result = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -PassThru

        $result.FileExists | Should -BeTrue
        $result.Server | Should -BeTrue
        $result.Listening | Should -BeTrue
        Get-ConfigLines | Should -Be @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '^dom0-a$')")
        Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'open'
    }
}

Describe 'Set-XendRelocation' {
    BeforeEach { Reset-DomB }

    Context 'enabling relocation for one source host' {
        It 'lets dom0-a connect to dom0-b:8002 and rejects dom0-c' {
            Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'refused'

            $result = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -PassThru

            $result.Changed | Should -BeTrue
            $result.Server | Should -BeTrue
            $result.HostsAllow | Should -Be @('^dom0-a$')
            $result.Listening | Should -BeTrue
            $result.BackupPath | Should -BeLike "$ConfigFile.xenps-*.bak"
            Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'open'
            Test-LabConnection $Lab 'dom0-c>dom0-b' | Should -Be 'closed'
            $address = ($Lab.hosts | Where-Object name -EQ dom0-c).address
            (Invoke-LabHost $Lab dom0-b @('cat', '/var/log/xen/xend.log')) -join "`n" | Should -BeLike "*Rejected connection from $address (dom0-c).*"
        }

        It 'edits only the changed lines and keeps a backup that restores the original exactly' {
            $before = Get-ConfigLines
            $result = Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Confirm:$false -PassThru -WarningAction SilentlyContinue
            $after = Get-ConfigLines
            $changed = Compare-Object $before $after
            @($changed | Where-Object SideIndicator -EQ '=>').InputObject |
                Should -Be @('(xend-relocation-server yes)', "(xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$ ^dom0-a$')")
            @($changed | Where-Object SideIndicator -EQ '<=').InputObject | Should -Be @("(xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$')")
            Invoke-LabHost $Lab dom0-b @('cp', '-p', $result.BackupPath, $ConfigFile) | Out-Null
            Get-ConfigHash | Should -Be $OriginalHash
        }

        It 'keeps the owner and mode of the file' {
            $before = Invoke-LabHost $Lab dom0-b @('stat', '-c', '%U:%G %a', $ConfigFile)
            Set-XendRelocation -ComputerName dom0-b -Port 8012 -Confirm:$false -WarningAction SilentlyContinue
            Invoke-LabHost $Lab dom0-b @('stat', '-c', '%U:%G %a', $ConfigFile) | Should -Be $before
        }
    }

    Context 'nothing is changed when nothing should be' {
        It 'changes nothing with -WhatIf and shows the lines it would change' {
            $transcript = New-TestFile -Name transcript.txt
            Start-Transcript -Path $transcript -Force | Out-Null
            Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -WhatIf
            Stop-Transcript | Out-Null
            $shown = Get-Content -Raw $transcript
            $shown | Should -BeLike '*What if*dom0-b:/etc/xen/xend-config.sxp*'
            $shown | Should -BeLike '*+*: (xend-relocation-server yes)*'
            $shown | Should -BeLike "*+*: (xend-relocation-hosts-allow '^dom0-a$')*"
            Get-ConfigHash | Should -Be $OriginalHash
            Get-Backups | Should -BeNullOrEmpty
        }

        It 'writes nothing, keeps no backup and does not restart xend when the settings are already so' {
            Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false
            $hash = Get-ConfigHash
            $backups = Get-Backups
            $xend = Get-XendPid

            $again = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -PassThru

            $again.Changed | Should -BeFalse
            Get-ConfigHash | Should -Be $hash
            Get-Backups | Should -Be $backups
            Get-XendPid | Should -Be $xend
        }

        It 'warns that the running xend keeps its old settings without -Restart' {
            Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings[0].Message | Should -BeLike '*xend on dom0-b still runs with its old relocation settings*'
            Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'refused'
        }
    }

    Context 'a write that fails' {
        It 'leaves the original byte-identical on a <Case>' -ForEach @(
            @{ Case = 'read-only file system'; Setup = 'mount --bind /etc/xen /etc/xen && mount -o remount,ro,bind /etc/xen' }
            @{ Case = 'full disk'; Setup = 'mkdir -p /root/xen-etc && cp -a /etc/xen/. /root/xen-etc/ && mount -t tmpfs -o size=64k tmpfs /etc/xen && cp -a /root/xen-etc/. /etc/xen/ && (dd if=/dev/zero of=/etc/xen/filler bs=4k 2>/dev/null; true)' }
        ) {
            Invoke-LabHost $Lab dom0-b @('sh', '-c', $Setup) | Out-Null
            try {
                $failure = { Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
                $failure.FullyQualifiedErrorId | Should -BeLike 'RemoteFileWriteFailed,*'
                $failure.Exception.Message | Should -BeLike '*The file is unchanged.*'
                Get-ConfigHash | Should -Be $OriginalHash
                Get-Backups | Should -BeNullOrEmpty
                @(Invoke-LabHost $Lab dom0-b @('sh', '-c', 'ls -a /etc/xen | grep "^\.xenps\." || true') | Where-Object { $_ }) | Should -BeNullOrEmpty
            }
            finally {
                Invoke-LabHost $Lab dom0-b @('umount', '/etc/xen') | Out-Null
            }
        }
    }

    Context 'hosts-allow' {
        It 'refuses a server open to every host without -Force' {
            $failure = { Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow @() -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'RelocationOpenToEveryone,*'
            Get-ConfigHash | Should -Be $OriginalHash
        }

        It 'opens it with -Force and a warning' {
            $result = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow @() -Force -Restart -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
            $result.IsOpenToEveryone | Should -BeTrue
            $warnings.Message -join ' ' | Should -BeLike '*admits every host*'
            Test-LabConnection $Lab 'dom0-c>dom0-b' | Should -Be 'open'
        }

        It 'adds and removes hosts, keeping regexes as given' {
            Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a, '^198\.18\.' -Confirm:$false -WarningAction SilentlyContinue
            $result = Set-XendRelocation -ComputerName dom0-b -AddAllowedHost dom0-c -RemoveAllowedHost dom0-a -Confirm:$false -PassThru -WarningAction SilentlyContinue
            $result.HostsAllow | Should -Be @('^198\.18\.', '^dom0-c$')
        }

        It 'refuses <Pattern>, which matches every host, without -Force; with -Force, IsOpenToEveryone is True and every host gets in' -ForEach @(
            @{ Pattern = '^'; Reason = 'every host name' }
            @{ Pattern = '.*$'; Reason = 'every host name' }
            @{ Pattern = '^[0-9]'; Reason = 'every IPv4 address' }
        ) {
            $failure = { Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow $Pattern -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be 'RelocationOpenToEveryone,XenPS.Commands.SetXendRelocationCommand'
            $failure.Exception.Message.Contains("xend-relocation-hosts-allow holds '$Pattern', which matches $Reason") | Should -BeTrue
            $failure.Exception.Message | Should -BeLike '*or give -Force to open it anyway.'
            Get-ConfigHash | Should -Be $OriginalHash
            Get-Backups | Should -BeNullOrEmpty

            $result = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow $Pattern -Force -Restart -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
            $result.HostsAllow | Should -Be @($Pattern)
            $result.IsOpenToEveryone | Should -BeTrue
            $warnings.Message -join ' ' | Should -BeLike '*admits every host*'
            Test-LabConnection $Lab 'dom0-a>dom0-b', 'dom0-c>dom0-b' | Should -Be 'open', 'open'
            (Get-XendRelocation -ComputerName dom0-b).IsOpenToEveryone | Should -BeTrue
        }

        It 'refuses to remove an entry that is not in the list: names it and the entries there, and changes nothing else of the call' {
            $failure = { Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -RemoveAllowedHost dom0-x -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Be 'AllowedHostNotFound,XenPS.Commands.SetXendRelocationCommand'
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failure.TargetObject | Should -Be 'dom0-b'
            $failure.Exception.Message | Should -BeExactly ("On dom0-b, 'dom0-x' is not in xend-relocation-hosts-allow: it holds '^localhost$' '^localhost\.localdomain$'. Nothing was changed. " +
                'Give -RemoveAllowedHost an entry as Get-XendRelocation shows it, or the host name or address it was made from.')
            Get-ConfigHash | Should -Be $OriginalHash
            Get-Backups | Should -BeNullOrEmpty
        }

        It 'rejects an entry that is neither a host name, an address nor a regex' {
            { Set-XendRelocation -ComputerName dom0-b -AddAllowedHost "dom0 a'" -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidHostsAllowEntry,*'
            Get-ConfigHash | Should -Be $OriginalHash
        }

        It 'refuses -HostsAllow together with -AddAllowedHost' {
            { Set-XendRelocation -ComputerName dom0-b -HostsAllow dom0-a -AddAllowedHost dom0-c -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'HostsAllowConflict,*'
        }
    }

    Context 'the file on the host' {
        It 'edits the target of a symbolic link, keeps the link, and keeps the backup beside the target' {
            Invoke-LabHost $Lab dom0-b @('sh', '-c', "mkdir /etc/xen/real && mv $ConfigFile /etc/xen/real/xend-config.sxp && ln -s real/xend-config.sxp $ConfigFile") | Out-Null

            $result = Set-XendRelocation -ComputerName dom0-b -Port 8012 -Confirm:$false -PassThru -WarningVariable warnings -WarningAction SilentlyContinue

            $result.Port | Should -Be 8012
            Invoke-LabHost $Lab dom0-b @('readlink', $ConfigFile) | Should -Be 'real/xend-config.sxp'
            Invoke-LabHost $Lab dom0-b @('grep', '-c', '^(xend-relocation-port 8012)$', '/etc/xen/real/xend-config.sxp') | Should -Be '1'
            $result.BackupPath | Should -BeLike '/etc/xen/real/xend-config.sxp.xenps-*.bak'
            (Invoke-LabHost $Lab dom0-b @('sha256sum', $result.BackupPath)) -replace ' .*' | Should -Be $OriginalHash
            $warnings.Message | Should -Contain "$ConfigFile on dom0-b is a symbolic link: its target /etc/xen/real/xend-config.sxp was changed, and the link kept."
        }

        It 'reads and changes a file of several hundred kilobytes' {
            $padding = 'import sys; f = open(sys.argv[1], "a"); [f.write("# padding line %06d of a large xend-config.sxp\n" % i) for i in range(8000)]'
            Invoke-LabHost $Lab dom0-b @('python3', '-I', '-S', '-c', $padding, $ConfigFile) | Out-Null
            $before = Get-ConfigHash
            [int](Invoke-LabHost $Lab dom0-b @('stat', '-c', '%s', $ConfigFile)) | Should -BeGreaterThan 300000

            (Get-XendRelocation -ComputerName dom0-b).HostsAllow | Should -Be @('^localhost$', '^localhost\.localdomain$')
            $result = Set-XendRelocation -ComputerName dom0-b -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -PassThru

            $result.Listening | Should -BeTrue
            (Invoke-LabHost $Lab dom0-b @('sha256sum', $result.BackupPath)) -replace ' .*' | Should -Be $before
            $lines = Get-ConfigLines
            @($lines -like '# padding line *').Count | Should -Be 8000
            $lines[-1] | Should -Be '# padding line 007999 of a large xend-config.sxp'
            Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'open'
        }

        It 'loses no line that other programs append while it writes, with or without the lock' {
            # Two programs append numbered comment lines at random intervals: one takes the file's lock (flock), the other does not.
            $appender = 'import fcntl, random, sys, time' + "`n" +
                'path, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])' + "`n" +
                'for i in range(count):' + "`n" +
                '    time.sleep(random.uniform(0.05, 0.4))' + "`n" +
                '    with open(path, "a") as f:' + "`n" +
                '        if mode == "locking": fcntl.flock(f, fcntl.LOCK_EX)' + "`n" +
                '        f.write("# %s %d\n" % (mode, i))'
            $count = 40
            $appenders = foreach ($mode in 'locking', 'plain') { Start-LabHostCommand $Lab dom0-b @('python3', '-I', '-S', '-c', $appender, $ConfigFile, $mode, $count) }
            $written = 0
            $refused = [System.Collections.Generic.List[object]]::new()
            $port = 8012
            while ($appenders | Where-Object { -not $_.HasExited }) {
                $port = 8025 - $port
                Set-XendRelocation -ComputerName dom0-b -Port $port -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue
                if ($failed) { $refused.AddRange(@($failed)) } else { $written++ }
            }
            $appenders | ForEach-Object { (Receive-LabHostCommand $_).ExitCode | Should -Be 0 }

            Write-Host "Set-XendRelocation: $written writes, $($refused.Count) refused as changed; $(2 * $count) lines appended meanwhile"
            $written | Should -BeGreaterThan 0
            $refused.FullyQualifiedErrorId | Where-Object { $_ -notlike 'RemoteFileChanged,*' } | Should -BeNullOrEmpty
            $lines = Get-ConfigLines
            foreach ($mode in 'locking', 'plain') {
                $missing = 0..($count - 1) | Where-Object { @($lines -ceq "# $mode $_").Count -ne 1 }
                $missing | Should -BeNullOrEmpty -Because "every line that the $mode program appended is in the file once"
            }
            @(Invoke-LabHost $Lab dom0-b @('sh', '-c', 'ls -a /etc/xen | grep "^\.xenps\." || true') | Where-Object { $_ }) | Should -BeNullOrEmpty
        }
    }

    Context 'a host whose xend-config.sxp xend cannot read' {
        BeforeAll { Invoke-LabHost $Lab dom0-c @('cp', '-p', $ConfigFile, '/root/xend-config.sxp.orig') | Out-Null }
        AfterEach { Invoke-LabHost $Lab dom0-c @('sh', '-c', "cp -p /root/xend-config.sxp.orig $ConfigFile && rm -f /etc/xen/*.xenps-*.bak") | Out-Null }

        It 'fails that host alone, with one error record, and leaves its file as it was (<Case>)' -TestCases @(
            @{ Case = 'unbalanced parentheses'; Line = '(xend-relocation-port 8002'; Message = "*is never closed*" }
            @{ Case = 'a port that is not a number'; Line = '(xend-relocation-port abc)'; Message = "*abc*" }
        ) {
            Invoke-LabHost $Lab dom0-b @('sh', '-c', "printf '%s\n' '$Line' >> $ConfigFile") | Out-Null
            $broken = Get-ConfigHash

            $results = Set-XendRelocation -ComputerName dom0-b, dom0-c -Port 8003 -Confirm:$false -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

            $results.ComputerName | Should -Be 'dom0-c'
            $results.Port | Should -Be 8003
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'UnreadableData,*'
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failed[0].TargetObject | Should -Be 'dom0-b'
            $failed[0].Exception.Message | Should -BeLike "$ConfigFile on dom0-b cannot be read: $Message"
            Get-ConfigHash | Should -Be $broken
            Get-Backups | Should -BeNullOrEmpty
        }

        It 'goes on with the other sessions of the pipeline' {
            Invoke-LabHost $Lab dom0-b @('sh', '-c', "printf '(xend-relocation-port\n' >> $ConfigFile") | Out-Null

            $results = Get-XenSession -ComputerName dom0-b, dom0-c | Set-XendRelocation -Port 8003 -Confirm:$false -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

            $results.ComputerName | Should -Be 'dom0-c'
            $failed.TargetObject | Should -Be 'dom0-b'
        }
    }

    Context 'a non-root user' {
        It 'changes the file through sudo with -UseSudo' {
            $userOnly = [pscredential]::new('xenadmin', [securestring]::new())
            $session = New-XenSession -ComputerName dom0-b -SshConfigPath $Lab.ssh_config -Credential $userOnly -UseSudo
            $result = Set-XendRelocation -Session $session -Enabled -HostsAllow dom0-a -Restart -Confirm:$false -PassThru
            $result.Listening | Should -BeTrue
            Invoke-LabHost $Lab dom0-b @('stat', '-c', '%U', $ConfigFile) | Should -Be 'root'
            Test-LabConnection $Lab 'dom0-a>dom0-b' | Should -Be 'open'
            Remove-XenSession $session
        }
    }
}
