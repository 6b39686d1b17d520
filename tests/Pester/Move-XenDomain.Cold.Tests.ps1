BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-ConfigHash($Lab, [string] $HostName, [string] $Path) {
        <# The SHA-256 of a file on a lab host, or 'missing'. #>
        (Invoke-LabHost $Lab $HostName @('sh', '-c', 'if [ -e "$1" ]; then sha256sum < "$1" | cut -d " " -f 1; else echo missing; fi', 'sh', $Path)) -join ''
    }

    function Get-EtcXen($Lab, [string] $HostName) {
        <# Every name in /etc/xen of a lab host, hidden ones too. #>
        Invoke-LabHost $Lab $HostName @('ls', '-A', '/etc/xen')
    }

    function Invoke-MoveWithReadOnlyEtcXen($Lab, [string] $HostName) {
        <# Moves cold from xl-a to xl-b while /etc/xen of one host is a read-only mount; returns the error records. #>
        Invoke-LabHost $Lab $HostName @('sh', '-c', 'mount --bind /etc/xen /etc/xen && mount -o remount,bind,ro /etc/xen /etc/xen') | Out-Null
        try {
            Move-XenDomain -Name cold -ComputerName xl-a -Destination xl-b -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Invoke-LabHost $Lab $HostName @('umount', '/etc/xen') | Out-Null
        }
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ColdMoveFailed,*'
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg | Should -Be $Original
        Get-EtcXen $Lab xl-a | Should -Be $Before
        Get-ConfigHash $Lab xl-b /etc/xen/cold.cfg | Should -Be 'missing'
        (Get-EtcXen $Lab xl-b) -join "`n" | Should -Not -Match '(?m)^\.xenps\.'
        $failures
    }
}

Describe 'Move-XenDomain -ConfigFile (cold move of a halted xl guest)' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pcold -LabProfile cold-xl
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
        $script:Original = Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg
        $script:Before = Get-EtcXen $Lab xl-a
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'has the halted guest as a config file on xl-a only' {
        $Original | Should -Match '^[0-9a-f]{64}$'
        Get-ConfigHash $Lab xl-b /etc/xen/cold.cfg | Should -Be 'missing'
        (Invoke-LabHost $Lab xl-a @('xl', 'list')) -join "`n" | Should -Not -Match '(?m)^cold\s'
    }

    It 'changes nothing with -WhatIf' {
        Move-XenDomain -Name cold -ComputerName xl-a -Destination xl-b -ConfigFile /etc/xen/cold.cfg -Start -WhatIf | Should -BeNullOrEmpty
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab xl-b /etc/xen/cold.cfg | Should -Be 'missing'
        Get-EtcXen $Lab xl-a | Should -Be $Before
    }

    It 'refuses a config path outside /etc/xen, or with a line break, and says what to give' -ForEach @(
        @{ Path = '/tmp/cold.cfg' }, @{ Path = "/etc/xen/cold.cfg`n; touch /tmp/owned" }, @{ Path = '/etc/xen/../shadow' }, @{ Path = '/etc/xen/auto/cold.cfg' }
    ) {
        Move-XenDomain -Name cold -ComputerName xl-a -Destination xl-b -ConfigFile $Path -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConfigFileInvalid,*'
        $failures[0].Exception.Message | Should -BeLike '*/etc/xen/NAME.cfg*'
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg | Should -Be $Original
    }

    It 'refuses a file that describes another guest' {
        Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConfigFileInvalid,*'
        $failures[0].Exception.Message | Should -BeLike '*describes the domain cold, not tiny*'
    }

    It 'leaves the source config intact when the destination refuses the write' {
        $failures = Invoke-MoveWithReadOnlyEtcXen $Lab xl-b
        $failures[0].Exception.Message | Should -BeLike '*Nothing was changed*'
    }

    It 'removes the copy again when the source cannot retire its config' {
        $failures = Invoke-MoveWithReadOnlyEtcXen $Lab xl-a
        $failures[0].Exception.Message | Should -BeLike '*removed again*starts from xl-a only*'
    }

    It 'moves the config, starts the guest on the destination, and leaves the source without a startable config' {
        $result = Move-XenDomain -Name cold -ComputerName xl-a -Destination xl-b -ConfigFile /etc/xen/cold.cfg -Start -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.Method | Should -Be 'Cold'
        $result.Started | Should -BeTrue
        $result.DomainLocation | Should -Be 'Destination'
        $result.SourceConfigMovedTo | Should -Be '/etc/xen/cold.cfg.moved-to-xl-b'
        Get-ConfigHash $Lab xl-b /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg | Should -Be 'missing'
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg.moved-to-xl-b | Should -Be $Original
        (Invoke-LabHost $Lab xl-b @('xl', 'list')) -join "`n" | Should -Match '(?m)^cold\s'
        Invoke-LabHost $Lab xl-a @('sh', '-c', 'xl create -f /etc/xen/cold.cfg 2>&1; echo "exit $?"') | Should -Contain 'exit 1'
        (Invoke-LabHost $Lab xl-a @('xl', 'list')) -join "`n" | Should -Not -Match '(?m)^cold\s'
    }

    It 'refuses to move a guest that runs, and changes nothing' {
        Move-XenDomain -Name cold -ComputerName xl-b -Destination xl-a -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainRunning,*'
        Get-ConfigHash $Lab xl-b /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab xl-a /etc/xen/cold.cfg | Should -Be 'missing'
    }
}
