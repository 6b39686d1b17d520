<#
Sessions through a jump host, on a lab of the foundation profile: xm-host serves as the bastion of xl-host
(every lab host runs sshd on the lab bridge and allows TCP forwarding, so any one can be the jump host of another).
#>
BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name jmpsess
    $script:Bastion = (Get-LabHost $Lab 'xm-host').Lab
    $script:Target = (Get-LabHost $Lab 'xl-host').Lab

    # The lab's ssh_config with extra lines at the start of one host's block (the first value obtained wins).
    function New-LabConfig {
        param([string] $HostName, [string[]] $Line)
        $config = foreach ($existing in Get-Content $Lab.ssh_config) {
            $existing
            if ($existing -eq "Host $HostName") { $Line | ForEach-Object { "    $_" } }
        }
        New-TestFile -Name config -Line $config
    }

    # The peers of the established SSH connections to a lab host, as its own namespace sees them.
    function Get-SshPeer([string] $HostName) {
        $lines = Invoke-LabHost $Lab $HostName @('ss', '-Htn', 'state', 'established', '( sport = :22 )')
        @($lines | ForEach-Object { (($_ -split '\s+') | Where-Object { $_ })[-1] -replace ':\d+$' })
    }

    # The TCP listeners of this PowerShell process (the one the module is loaded in).
    function Get-OwnListener {
        @(& ss -Hltnp | Where-Object { $_ -match "pid=$PID," } | ForEach-Object { (($_ -split '\s+') | Where-Object { $_ })[3] })
    }

    $script:JumpConfig = New-LabConfig xl-host 'ProxyJump xm-host'
    $script:Listeners = Get-OwnListener
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'New-XenSession through a jump host' {
    It 'follows the ProxyJump of the ssh config and reaches the host from the jump host' {
        $session = New-XenSession -ComputerName xl-host -SshConfigPath $JumpConfig
        try {
            $session.JumpHost | Should -Be 'root@xm-host:22'
            $session.HostName | Should -Be $Target.address
            $session.HostKeyFingerprint | Should -Be $Target.host_key_fingerprint
            $session.Toolstack | Should -Be 'Xl'
            (Get-XenDomain -Session $session).Name | Should -Contain 'web03'
            (Get-XenHost -Session $session).XenVersion | Should -Be '4.17.5'
            Get-SshPeer xl-host | Should -Contain $Bastion.address
            @(Get-OwnListener | Where-Object { $_ -notin $Listeners }) | Should -BeLike '127.0.0.1:*'
        }
        finally {
            Remove-XenSession $session
        }
    }

    It 'takes the jump hosts of -JumpHost over the ssh config and keeps a direct session apart' {
        $direct = New-XenSession -ComputerName dual-host -SshConfigPath $Lab.ssh_config
        $jumped = New-XenSession -ComputerName dual-host -SshConfigPath $Lab.ssh_config -JumpHost "root@xl-host:22"
        $none = New-XenSession -ComputerName xl-host -SshConfigPath $JumpConfig -JumpHost none
        try {
            $direct.JumpHost | Should -BeNullOrEmpty
            $jumped.JumpHost | Should -Be 'root@xl-host:22'
            $none.JumpHost | Should -BeNullOrEmpty
            (Get-XenSession -ComputerName dual-host).Count | Should -Be 2
            (Get-XenSession -ComputerName dual-host | Where-Object JumpHost).Id | Should -Be $jumped.Id
            (Get-XenDomain -Session $jumped).Count | Should -Be (Get-XenDomain -Session $direct).Count
        }
        finally {
            $direct, $jumped, $none | Remove-XenSession
        }
    }

    It 'refuses a hop that is not [user@]host[:port]' {
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $Lab.ssh_config -JumpHost 'root@xm-host:0' -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'JumpHostInvalid,*'
        $failure.Exception.Message | Should -BeLike "*root@xm-host:0*port '0'*"
    }
}

Describe 'Host keys of jump hosts' {
    It 'refuses an unknown jump host key with an error naming the jump host, and records it only with -AcceptNewHostKey' {
        $empty = New-TestFile -Name known_hosts
        $config = New-LabConfig xm-host "UserKnownHostsFile $empty"
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $config -JumpHost xm-host -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'HostKeyUnknown,*'
        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
        $failure.Exception.Message | Should -BeLike "Jump host xm-host (root@$($Bastion.address):22) on the way to xl-host: The host key of xm-host is not known*$($Bastion.host_key_fingerprint)*"
        $failure.Exception.JumpHost | Should -Be 'root@xm-host:22'
        Get-Content $empty | Should -BeNullOrEmpty

        $session = New-XenSession -ComputerName xl-host -SshConfigPath $config -JumpHost xm-host -AcceptNewHostKey
        $session.State | Should -Be 'Opened'
        Remove-XenSession $session
        Get-Content $empty | Should -Be "xm-host,$($Bastion.address) $($Bastion.host_key)"
    }

    It 'refuses a changed jump host key even with -AcceptNewHostKey' {
        $wrong = New-TestFile -Name known_hosts -Line "xm-host $($Target.host_key)"
        $config = New-LabConfig xm-host "UserKnownHostsFile $wrong"
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $config -JumpHost xm-host -AcceptNewHostKey -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'HostKeyChanged,*'
        $failure.Exception.Message | Should -BeLike 'Jump host xm-host (*) on the way to xl-host: The host key of xm-host has changed*'
    }

    It "verifies the host's key under the host's names, not the forwarded port's" {
        $kh = New-TestFile -Name known_hosts -Line "127.0.0.1 $($Target.host_key)"
        $config = New-LabConfig xl-host 'ProxyJump xm-host', "UserKnownHostsFile $kh"
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $config -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'HostKeyUnknown,*'
        $failure.Exception.Message | Should -BeLike 'The host key of xl-host is not known*'
    }
}

Describe 'Jump host failures' {
    It 'names the jump host that cannot be reached' {
        $unreachable = ($Lab.gateway -replace '\.1$', '.250')
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $Lab.ssh_config -JumpHost "root@$unreachable" -KeyFilePath $Lab.keys.id_ed25519 -ConnectTimeout 3 -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -Match '^(ConnectTimeout|ConnectionFailed),'
        $failure.Exception.Message | Should -BeLike "Jump host $unreachable (root@$($unreachable):22) on the way to xl-host: *$($unreachable):22*"
    }

    It 'names the jump host that cannot open the connection onward' {
        $failure = { New-XenSession -ComputerName xl-host -Port 2 -SshConfigPath $JumpConfig -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed,*'
        $failure.Exception.Message | Should -BeLike "Jump host xm-host (*) on the way to xl-host: It could not open a connection to $($Target.address):2,*AllowTcpForwarding*"
    }

    It 'says when a jump host has no key to log in with, and does not offer it the password' {
        $credential = [pscredential]::new('root', (ConvertTo-SecureString $Lab.users.root.password -AsPlainText -Force))
        $empty = New-TestFile -Name config
        $savedHome = $env:HOME
        $env:HOME = Split-Path $empty    # no default keys (~/.ssh/id_*) there
        try {
            $failure = { New-XenSession -ComputerName $Target.address -SshConfigPath $empty -KnownHostsPath $Lab.known_hosts -Credential $credential -JumpHost $Bastion.address -ErrorAction Stop } |
                Should -Throw -PassThru
        }
        finally {
            $env:HOME = $savedHome
        }
        $failure.FullyQualifiedErrorId | Should -BeLike 'NoCredentials,*'
        $failure.Exception.Message | Should -BeLike "Jump host $($Bastion.address) (root@*"
    }

    It 'refuses a ProxyCommand instead of ignoring it' {
        $config = New-LabConfig xl-host 'ProxyCommand ssh -W %h:%p xm-host'
        $failure = { New-XenSession -ComputerName xl-host -SshConfigPath $config -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'ProxyCommandNotSupported,*'
        $failure.Exception.Message | Should -BeLike '*ProxyJump*-JumpHost*'
        $session = New-XenSession -ComputerName xl-host -SshConfigPath $config -JumpHost xm-host
        $session.JumpHost | Should -Be 'root@xm-host:22'
        Remove-XenSession $session
    }
}

Describe 'A jumped session over time' {
    It 'builds the chain again when the jump host or the host dropped, and leaves no listener once removed' {
        $session = New-XenSession -ComputerName xl-host -SshConfigPath $JumpConfig
        & pkill -P $Bastion.sshd_pid
        (Get-XenDomain -Session $session -Name db02).Name | Should -Be 'db02'
        $session.State | Should -Be 'Opened'
        & pkill -P $Target.sshd_pid
        (Get-XenDomain -Session $session -Name web01).Name | Should -Be 'web01'
        $session.State | Should -Be 'Opened'
        @(Get-OwnListener | Where-Object { $_ -notin $Listeners }).Count | Should -Be 1
        Remove-XenSession $session
        $session.State | Should -Be 'Closed'
        Get-OwnListener | Where-Object { $_ -notin $Listeners } | Should -BeNullOrEmpty
    }
}
