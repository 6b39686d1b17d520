BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name psess
    $script:Config = $Lab.ssh_config
    $script:XmHost = (Get-LabHost $Lab 'xm-host').Lab
    $script:XlHost = (Get-LabHost $Lab 'xl-host').Lab
    $script:EmptyConfig = New-TestFile -Name config

    function New-Credential([string] $User, [string] $Secret) {
        [pscredential]::new($User, (ConvertTo-SecureString $Secret -AsPlainText -Force))
    }

    # The shells that sessions keep open on a lab host between commands: processes run as plain `sh` under its sshd.
    function Get-KeptShell([int] $SshdPid) {
        foreach ($id in @(& pgrep -f '^sh$')) {
            $ancestor = [int]$id
            while ($ancestor -gt 1 -and $ancestor -ne $SshdPid) {
                $ancestor = [int]((Get-Content -Raw -ErrorAction SilentlyContinue "/proc/$ancestor/stat") -replace '^.*\) \S+ (\d+) .*$', '$1')
            }
            if ($ancestor -eq $SshdPid) { [int]$id }
        }
    }

    # Connects by address with nothing from ssh_config: only what the test passes counts.
    function Connect-ByAddress {
        param([hashtable] $Parameters)
        New-XenSession -ComputerName $XmHost.address -SshConfigPath $EmptyConfig -KnownHostsPath $Lab.known_hosts @Parameters
    }
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'New-XenSession' {
    Context 'toolstack detection on <HostName>' -ForEach @(
        @{ HostName = 'xm-host'; Toolstack = 'Xm'; Available = @('Xm'); Version = '4.0.1' }
        @{ HostName = 'xl-host'; Toolstack = 'Xl'; Available = @('Xl'); Version = '4.17.5' }
        @{ HostName = 'dual-host'; Toolstack = 'Xm'; Available = @('Xm', 'Xl'); Version = '4.4.1' }
    ) {
        It 'shows toolstack, Xen version and host key on the session' {
            $session = New-XenSession -ComputerName $HostName -SshConfigPath $Config
            $session.State | Should -Be 'Opened'
            $session.Toolstack | Should -Be $Toolstack
            @($session.AvailableToolstacks | ForEach-Object ToString) | Should -Be $Available
            $session.XenVersion | Should -Be $Version
            $session.UserName | Should -Be 'root'
            $session.Port | Should -Be 22
            $session.HostName | Should -Be (Get-LabHost $Lab $HostName).Lab.address
            $session.HostKeyFingerprint | Should -Be (Get-LabHost $Lab $HostName).Lab.host_key_fingerprint
            Remove-XenSession $session
        }
    }

    Context 'a host with both toolstacks' {
        It 'prefers xl when xend is stopped' {
            Invoke-LabHost $Lab dual-host @('xend', 'stop') | Out-Null
            try {
                $session = New-XenSession -ComputerName dual-host -SshConfigPath $Config
                $session.Toolstack | Should -Be 'Xl'
                $session.XendRunning | Should -BeFalse
                $session.XenVersion | Should -Be '4.4.1'
                Remove-XenSession $session
            }
            finally {
                Invoke-LabHost $Lab dual-host @('xend', 'start') | Out-Null
            }
        }
    }

    Context 'authentication' {
        It 'authenticates with a <Key> key file' -ForEach @(@{ Key = 'id_ed25519' }, @{ Key = 'id_rsa' }, @{ Key = 'id_ecdsa' }) {
            $session = Connect-ByAddress @{ KeyFilePath = $Lab.keys.$Key }
            $session.Toolstack | Should -Be 'Xm'
            Remove-XenSession $session
        }

        It 'opens an encrypted key with the passphrase given in -Credential' {
            $credential = New-Credential root $Lab.key_passphrase
            $session = Connect-ByAddress @{ KeyFilePath = $Lab.keys.id_ed25519_pass; Credential = $credential }
            $session.State | Should -Be 'Opened'
            Remove-XenSession $session
        }

        It 'says that an encrypted key needs its passphrase' {
            { Connect-ByAddress @{ KeyFilePath = $Lab.keys.id_ed25519_pass; ErrorAction = 'Stop' } } |
                Should -Throw -ExpectedMessage "*$($Lab.keys.id_ed25519_pass)*passphrase*"
        }

        It 'authenticates with a password' {
            $credential = New-Credential root $Lab.users.root.password
            $session = Connect-ByAddress @{ Credential = $credential }
            $session.UserName | Should -Be 'root'
            Remove-XenSession $session
        }

        It 'refuses a wrong password without showing it' {
            $secret = 'Wrong-' + [guid]::NewGuid().ToString('n')
            $failure = { Connect-ByAddress @{ Credential = (New-Credential root $secret); ErrorAction = 'Stop' } } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            $failure.Exception.Message | Should -BeLike "*root@$($XmHost.address)*"
            $failure.Exception.Message | Should -Not -BeLike "*$secret*"
            $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        }
    }

    Context 'host keys' {
        It 'refuses an unknown host and gives its SHA256 fingerprint and how to accept it' {
            $empty = New-TestFile -Name known_hosts
            $failure = { New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $empty -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'HostKeyUnknown,*'
            $failure.Exception.Message | Should -BeLike "*$($XmHost.host_key_fingerprint)*"
            $failure.Exception.Message | Should -BeLike '*-AcceptNewHostKey*'
            Get-Content $empty | Should -BeNullOrEmpty
        }

        It 'records an unknown key with -AcceptNewHostKey and trusts it afterwards' {
            $file = New-TestFile -Name known_hosts
            $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $file -AcceptNewHostKey
            $session.HostKeyFingerprint | Should -Be $XmHost.host_key_fingerprint
            Remove-XenSession $session
            Get-Content $file | Should -Be "xm-host,$($XmHost.address) $($XmHost.host_key)"
            $again = New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $file
            $again.State | Should -Be 'Opened'
            Remove-XenSession $again
        }

        It 'refuses a changed key, even with -AcceptNewHostKey, naming both fingerprints' {
            $file = New-TestFile -Name known_hosts -Line "xm-host $($XlHost.host_key)"
            $failure = { New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $file -AcceptNewHostKey -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'HostKeyChanged,*'
            $failure.CategoryInfo.Category | Should -Be 'SecurityError'
            $failure.Exception.Message | Should -BeLike "*$($XmHost.host_key_fingerprint)*"
            $failure.Exception.Message | Should -BeLike "*$($XlHost.host_key_fingerprint)*"
            Get-Content $file | Should -Be "xm-host $($XlHost.host_key)"
        }

        It 'reads hashed known_hosts entries' {
            $file = New-TestFile -Name known_hosts -Line "xm-host $($XmHost.host_key)"
            & ssh-keygen -H -f $file 2>&1 | Out-Null
            (Get-Content $file) | Should -BeLike '|1|*'
            $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $file
            $session.State | Should -Be 'Opened'
            Remove-XenSession $session
        }
    }

    Context 'ssh_config' {
        It 'follows an alias to HostName, User, Port, IdentityFile and UserKnownHostsFile' {
            $config = New-TestFile -Name config -Line @(
                'Host lab-*'
                "    UserKnownHostsFile $($Lab.known_hosts)"
                'Host lab-xl'
                "    HostName $($XlHost.address)"
                '    User root'
                '    Port 22'
                "    IdentityFile $($Lab.keys.id_ecdsa)"
            )
            $session = New-XenSession -ComputerName lab-xl -SshConfigPath $config
            $session.ComputerName | Should -Be 'lab-xl'
            $session.HostName | Should -Be $XlHost.address
            $session.Toolstack | Should -Be 'Xl'
            Remove-XenSession $session
        }
    }

    Context 'non-root users' {
        It 'runs root commands through sudo with -UseSudo' {
            $userOnly = [pscredential]::new('xenadmin', [securestring]::new())
            $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -Credential $userOnly -UseSudo
            $session.UserName | Should -Be 'xenadmin'
            $session.Toolstack | Should -Be 'Xm'
            (Get-XenDomain -Session $session -Name web01).Name | Should -Be 'web01'
            Remove-XenSession $session
        }

        It 'says clearly when sudo wants a password' {
            $credential = New-Credential xenpass $Lab.users.xenpass.password
            $failure = { Connect-ByAddress @{ Credential = $credential; UseSudo = $true; ErrorAction = 'Stop' } } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'SudoPasswordRequired,*'
            $failure.Exception.Message | Should -BeLike '*xenpass*NOPASSWD*'
            $failure.Exception.Message | Should -Not -BeLike "*$($Lab.users.xenpass.password)*"
        }
    }

    Context 'connection failures' {
        It 'gives up on an unreachable host after -ConnectTimeout' {
            $unreachable = ($Lab.gateway -replace '\.1$', '.250')
            $failure = { New-XenSession -ComputerName $unreachable -SshConfigPath $EmptyConfig -KeyFilePath $Lab.keys.id_ed25519 -ConnectTimeout 3 -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -Match '^(ConnectTimeout|ConnectionFailed),'
            $failure.Exception.Message | Should -BeLike "*$($unreachable):22*"
        }

        It 'reconnects once when the connection drops under a read-only command' {
            $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config
            & pkill -P $XmHost.sshd_pid
            (Get-XenDomain -Session $session -Name db01).Name | Should -Be 'db01'
            $session.State | Should -Be 'Opened'
            Remove-XenSession $session
        }

        It 'runs the next command on a new shell when the shells the session kept open ended on the host' {
            $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config
            $ended = @(Get-KeptShell $XmHost.sshd_pid)
            $ended.Count | Should -BeGreaterThan 0
            & kill $ended
            (Get-XenDomain -Session $session -Name db01).Name | Should -Be 'db01'
            $session.State | Should -Be 'Opened'
            $kept = @(Get-KeptShell $XmHost.sshd_pid)
            $kept.Count | Should -BeGreaterThan 0
            $kept | Where-Object { $_ -in $ended } | Should -BeNullOrEmpty
            Remove-XenSession $session
        }
    }
}

Describe 'Get-XenSession and Remove-XenSession' {
    BeforeAll {
        Get-XenSession | Remove-XenSession
        $script:Opened = New-XenSession -ComputerName xm-host, xl-host, dual-host -SshConfigPath $Config
    }

    It 'lists the open sessions by host name pattern and by id' {
        (Get-XenSession).Count | Should -Be 3
        (Get-XenSession -ComputerName 'x*').ComputerName | Sort-Object | Should -Be @('xl-host', 'xm-host')
        (Get-XenSession -Id $Opened[2].Id).ComputerName | Should -Be 'dual-host'
    }

    It 'reuses an open session for -ComputerName instead of opening another' {
        Get-XenDomain -ComputerName xm-host | Out-Null
        (Get-XenSession -ComputerName xm-host).Count | Should -Be 1
    }

    It 'closes sessions given by host name or from the pipeline' {
        Remove-XenSession -ComputerName dual-host
        $Opened[2].State | Should -Be 'Closed'
        Get-XenSession -ComputerName xm-host | Remove-XenSession
        (Get-XenSession).ComputerName | Should -Be @('xl-host')
    }
}
