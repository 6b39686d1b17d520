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
        <# Moves cold from the source to the destination while /etc/xen of one host is a read-only mount; returns the error records. #>
        Invoke-LabHost $Lab $HostName @('sh', '-c', 'mount --bind /etc/xen /etc/xen && mount -o remount,bind,ro /etc/xen /etc/xen') | Out-Null
        try {
            Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Invoke-LabHost $Lab $HostName @('umount', '/etc/xen') | Out-Null
        }
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ColdMoveFailed,*'
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be $Original
        Get-EtcXen $Lab $Source | Should -Be $Before
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be 'missing'
        (Get-EtcXen $Lab $Target) -join "`n" | Should -Not -Match '(?m)^\.xenps\.'
        $failures
    }
}

Describe 'Move-XenDomain -ConfigFile (cold move of a halted <Tool> guest)' -ForEach @(
    @{ Tool = 'xl'; LabProfile = 'cold-xl'; Source = 'xl-a'; Target = 'xl-b'; Other = 'tiny' }
    @{ Tool = 'xm'; LabProfile = 'cold-xm'; Source = 'dom0-a'; Target = 'dom0-b'; Other = 'com-xp1' }
) {
    BeforeAll {
        $script:Lab = Start-TestLab -Name "pcold$Tool" -LabProfile $LabProfile
        New-XenSession -ComputerName $Source, $Target -SshConfigPath $Lab.ssh_config | Out-Null
        $script:Original = Get-ConfigHash $Lab $Source /etc/xen/cold.cfg
        $script:Before = Get-EtcXen $Lab $Source
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'has the halted guest as a config file on the source only' {
        $Original | Should -Match '^[0-9a-f]{64}$'
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be 'missing'
        (Invoke-LabHost $Lab $Source @($Tool, 'list')) -join "`n" | Should -Not -Match '(?m)^cold\s'
    }

    It 'changes nothing with -WhatIf' {
        Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -Start -WhatIf | Should -BeNullOrEmpty
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be 'missing'
        Get-EtcXen $Lab $Source | Should -Be $Before
    }

    It 'refuses a config path outside /etc/xen, or with a line break, and says what to give' -ForEach @(
        @{ Path = '/tmp/cold.cfg' }, @{ Path = "/etc/xen/cold.cfg`n; touch /tmp/owned" }, @{ Path = '/etc/xen/../shadow' }, @{ Path = '/etc/xen/auto/cold.cfg' }
    ) {
        Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile $Path -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConfigFileInvalid,*'
        $failures[0].Exception.Message | Should -BeLike '*/etc/xen/NAME.cfg*'
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be $Original
    }

    It 'refuses a file that describes another guest' {
        Move-XenDomain -Name $Other -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConfigFileInvalid,*'
        $failures[0].Exception.Message | Should -BeLike "*describes the domain cold, not $Other*"
    }

    It 'leaves the source config intact when the destination refuses the write' {
        $failures = Invoke-MoveWithReadOnlyEtcXen $Lab $Target
        $failures[0].Exception.Message | Should -BeLike '*Nothing was changed*'
    }

    It 'removes the copy again when the source cannot retire its config' {
        $failures = Invoke-MoveWithReadOnlyEtcXen $Lab $Source
        $failures[0].Exception.Message | Should -BeLike "*removed again*starts from $Source only*"
    }

    It 'refuses when the destination lacks the guest''s bridge unless -SkipCheck Bridges waives it, and changes nothing' {
        Invoke-LabHost $Lab $Target @('ip', 'link', 'del', 'xenbr0') | Out-Null
        try {
            Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -SkipCheck Bridges -WhatIf -ErrorVariable waived -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            Invoke-LabHost $Lab $Target @('sh', '-c', 'ip link add xenbr0 type bridge && ip link set xenbr0 up') | Out-Null
        }
        $waived | Should -BeNullOrEmpty -Because '-SkipCheck Bridges lets the missing bridge through to the confirmation, which -WhatIf declines'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*'
        $failures[0].Exception.Message | Should -BeLike '*`[Bridges`]*xenbr0*'
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be 'missing'
    }

    It 'moves the config, starts the guest on the destination, and leaves the source without a startable config' {
        $result = Move-XenDomain -Name cold -ComputerName $Source -Destination $Target -ConfigFile /etc/xen/cold.cfg -Start -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.Method | Should -Be 'Cold'
        $result.Started | Should -BeTrue
        $result.DomainLocation | Should -Be 'Destination'
        $result.SourceConfigMovedTo | Should -Be "/etc/xen/cold.cfg.moved-to-$Target"
        # The default view names the method after the hosts, for the result and for a copy of it from another process.
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($result))
        foreach ($shown in $result, $copy) {
            $shown | Out-String -Width 300 | Should -Match "(?m)^cold\s+$Source -> $Target \(cold\)\s+Succeeded\s"
        }
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be 'missing'
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg.moved-to-$Target | Should -Be $Original
        (Invoke-LabHost $Lab $Target @($Tool, 'list')) -join "`n" | Should -Match '(?m)^cold\s'
        Invoke-LabHost $Lab $Source @('sh', '-c', "$Tool create -f /etc/xen/cold.cfg 2>&1; echo exit `$?") | Should -Contain 'exit 1'
        (Invoke-LabHost $Lab $Source @($Tool, 'list')) -join "`n" | Should -Not -Match '(?m)^cold\s'
    }

    It 'refuses to move a guest that runs, and changes nothing' {
        Move-XenDomain -Name cold -ComputerName $Target -Destination $Source -ConfigFile /etc/xen/cold.cfg -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainRunning,*'
        Get-ConfigHash $Lab $Target /etc/xen/cold.cfg | Should -Be $Original
        Get-ConfigHash $Lab $Source /etc/xen/cold.cfg | Should -Be 'missing'
    }
}
