<#
Sessions a user can predict, on a lab of the foundation profile: one session per host, implicit sessions that reuse the settings
New-XenSession was given for a name, broken sessions reconnected rather than replaced, precise errors for a name never opened, and
a warning for a non-root user without -UseSudo.
#>
BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name predsess
    $script:Config = $Lab.ssh_config
    $script:XmHost = (Get-LabHost $Lab 'xm-host').Lab

    # Runs $Script with a home folder that has no ssh config and no keys: only settings given to XenPS can reach a lab host.
    function Invoke-WithEmptyHome([scriptblock] $Script) {
        $savedHome = $env:HOME
        $env:HOME = Split-Path (New-TestFile -Name empty)
        try { & $Script }
        finally { $env:HOME = $savedHome }
    }

    # Ends every SSH connection to xm-host (its sshd's children) and waits until the session sees its connection gone.
    function Undo-Connection($Session) {
        & pkill -P $XmHost.sshd_pid
        for ($i = 0; $i -lt 200 -and $Session.State -ne 'Broken'; $i++) { Start-Sleep -Milliseconds 50 }
        $Session.State | Should -Be 'Broken'
    }

    function Get-Verbose($Output) { @($Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) }
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'One session per host' {
    AfterEach { Get-XenSession | Remove-XenSession }

    It 'returns the open session when New-XenSession is run again for the host, and says so' {
        $first = New-XenSession -ComputerName xm-host -SshConfigPath $Config
        $output = New-XenSession -ComputerName xm-host -SshConfigPath $Config -Verbose 4>&1
        $again = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $again.Id | Should -Be $first.Id
        Get-Verbose $output | Should -BeLike "Session $($first.Id) to xm-host (root@$($XmHost.address):22) is already open*-Force*"
        @(Get-XenSession).Id | Should -Be @($first.Id)
    }

    It 'opens a host named twice in one call once' {
        $sessions = @(New-XenSession -ComputerName xm-host, XM-HOST -SshConfigPath $Config)
        $sessions.Count | Should -Be 1
        @(Get-XenSession).Count | Should -Be 1
    }

    It 'warns that settings given for an open session are not used, and returns it' {
        $first = New-XenSession -ComputerName xm-host -SshConfigPath $Config
        $xenadmin = [pscredential]::new('xenadmin', [securestring]::new())
        $again = New-XenSession -ComputerName xm-host -SshConfigPath $Config -Credential $xenadmin -UseSudo -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Id | Should -Be $first.Id
        $again.UserName | Should -Be 'root'
        "$warnings" | Should -BeLike "Session $($first.Id) to xm-host is already open as root@*settings given now differ*not used*-Force*"
    }

    It 'closes the open session and opens another with -Force' {
        $first = New-XenSession -ComputerName xm-host -SshConfigPath $Config
        $second = New-XenSession -ComputerName xm-host -SshConfigPath $Config -MaxCommandOutput 8KB -Force
        $second.Id | Should -Not -Be $first.Id
        $first.State | Should -Be 'Closed'
        $second.MaxCommandOutput | Should -Be 8KB
        @(Get-XenSession).Id | Should -Be @($second.Id)
    }

    It 'lists each domain once for a session given twice, or two sessions to one host' {
        $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config
        $jumped = New-XenSession -ComputerName xm-host -SshConfigPath $Config -JumpHost root@xl-host:22
        $once = @(Get-XenDomain -Session $session).Name
        $once.Count | Should -BeGreaterThan 0
        @(Get-XenDomain -Session $session, $session).Name | Should -Be $once
        @(Get-XenDomain -Session (Get-XenSession)).Name | Should -Be $once
        @(Get-XenDomain).Name | Should -Be $once
        $jumped.Id | Should -Not -Be $session.Id
    }
}

Describe 'Implicit sessions of -ComputerName' {
    AfterEach { Get-XenSession | Remove-XenSession }

    It 'reuses the settings New-XenSession was given for the name after its session was removed' {
        New-XenSession -ComputerName xm-host -SshConfigPath $Config -CommandTimeout 77 | Remove-XenSession
        $domains = Invoke-WithEmptyHome { Get-XenDomain -ComputerName xm-host -ErrorAction Stop }
        $domains.Name | Should -Contain 'web01'
        $session = Get-XenSession -ComputerName xm-host
        $session.HostName | Should -Be $XmHost.address
        $session.CommandTimeout | Should -Be ([timespan]::FromSeconds(77))
    }

    It 'reconnects a broken session with its own settings, keeps its Id and says so' {
        $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config
        Undo-Connection $session
        $output = Invoke-WithEmptyHome { Get-XenDomain -ComputerName xm-host -Verbose -ErrorAction Stop 4>&1 }
        @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Name | Should -Contain 'web01'
        (Get-Verbose $output) -like 'Session *' | Should -BeLike "Session $($session.Id) to xm-host had broken (its SSH connection dropped*); it was connected again as root@$($XmHost.address):22 with the settings it was opened with."
        $session.State | Should -Be 'Opened'
        @(Get-XenSession).Id | Should -Be @($session.Id)
    }

    It 'says that the session broke, why, and what to do when it cannot be reconnected, and keeps it' {
        $knownHosts = New-TestFile -Name known_hosts -Line (Get-Content $Lab.known_hosts)
        $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -KnownHostsPath $knownHosts
        Undo-Connection $session
        Set-Content -LiteralPath $knownHosts -Value @()
        Get-XenDomain -ComputerName xm-host -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SessionBroken,XenPS.Commands.GetXenDomainCommand'
        $failures[0].TargetObject | Should -Be 'xm-host'
        $failures[0].Exception.Message | Should -BeLike "Session $($session.Id) to xm-host broke (its SSH connection dropped*) and could not be connected again with its settings: The host key of xm-host is not known*New-XenSession -ComputerName xm-host -Force*"
        @(Get-XenSession).Id | Should -Be @($session.Id)
        $session.State | Should -Be 'Broken'
    }

    It 'names a host that was never opened and cannot be reached, and says to open it with New-XenSession' {
        $output = Invoke-WithEmptyHome { Get-XenDomain -ComputerName xm-hots -ErrorAction Continue 2>&1 }
        $failures = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failures.Count | Should -Be @($output).Count
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'NoCredentials,XenPS.Commands.GetXenDomainCommand'
        $failures[0].TargetObject | Should -Be 'xm-hots'
        $failures[0].Exception.Message | Should -BeLike 'No session was opened for xm-hots, so it was connected to with the default settings*root@xm-hots*no IdentityFile for xm-hots*Check the name*New-XenSession -ComputerName xm-hots*'
        Get-XenSession | Should -BeNullOrEmpty
    }
}

Describe 'A user other than root' {
    AfterEach { Get-XenSession | Remove-XenSession }

    It 'is warned about -UseSudo and the sudo rule it needs when the session does not use sudo' {
        $xenadmin = [pscredential]::new('xenadmin', [securestring]::new())
        $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -Credential $xenadmin -WarningVariable warnings -WarningAction SilentlyContinue
        $session.UserName | Should -Be 'xenadmin'
        "$warnings" | Should -BeLike "xenadmin@xm-host is not root (uid *) and the session does not use sudo*New-XenSession -ComputerName xm-host -UseSudo -Force*'xenadmin ALL=(root) NOPASSWD: ALL'*/etc/sudoers.d*"
    }

    It 'is not warned with -UseSudo' {
        $xenadmin = [pscredential]::new('xenadmin', [securestring]::new())
        $session = New-XenSession -ComputerName xm-host -SshConfigPath $Config -Credential $xenadmin -UseSudo -WarningVariable warnings
        $session.UseSudo | Should -BeTrue
        $warnings | Should -BeNullOrEmpty
    }
}
