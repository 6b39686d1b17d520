BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Canary = '/tmp/xenps-canary'

    function Get-FolderEntries($Lab, [string] $HostName, [string] $Folder) {
        <# Every name in a folder of a lab host, hidden ones too: state files and marker files included. #>
        Invoke-LabHost $Lab $HostName @('ls', '-A', $Folder)
    }

    function Get-GuestFlags($Lab, [string] $HostName, [string] $Tool, [string] $Name) {
        <# The state flags of a guest as the host's toolstack lists it, or 'absent'. #>
        $line = (Invoke-LabHost $Lab $HostName @($Tool, 'list')) | Where-Object { $_ -match "^$([regex]::Escape($Name))\s" }
        if ($line) { (-split $line)[4] } else { 'absent' }
    }

    function Test-Canary($Lab, [string] $HostName) {
        <# Whether a shell on the host ran what a hostile argument held. #>
        (Invoke-LabHost $Lab $HostName @('sh', '-c', 'if [ -e "$1" ]; then echo yes; else echo no; fi', 'sh', $Canary)) -eq 'yes'
    }
}

Describe 'Move-XenDomain -SaveTo (save and restore of a running <Tool> guest)' -ForEach @(
    @{ Tool = 'xl'; LabProfile = 'saverestore-xl'; Source = 'xl-a'; Target = 'xl-b'; Short = 'xl-c'; Guest = 'tiny'; Shared = '/srv/shared'; Image = 'tiny.img'
       Refusal = 'failed to free memory for the domain'; Magic = 'Xen saved domain, xl format'; Clash = '*libxl__domain_rename: Domain *:Domain with name "tiny" already exists.*' }
    @{ Tool = 'xm'; LabProfile = 'saverestore-xm'; Source = 'dom0-a'; Target = 'dom0-b'; Short = 'dom0-c'; Guest = 'com-xp1'; Shared = '/THECUS_NFS'; Image = 'com-xp1.img'
       Refusal = 'Error: Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  I need 32768 KiB but only have 20480.'
       Magic = 'LinuxGuestRecord'; Clash = "*Error: Domain 'com-xp1' already exists with ID '1'*" }
) {
    BeforeAll {
        $script:Lab = Start-TestLab -Name "psr$Tool" -LabProfile $LabProfile
        New-XenSession -ComputerName $Source, $Target, $Short -SshConfigPath $Lab.ssh_config | Out-Null
        $script:SharedBefore = Get-FolderEntries $Lab $Source $Shared
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'has the guest running on the source only, and the folder shared by all three hosts' {
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
        Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be 'absent'
        $SharedBefore | Should -Be $Image
        Get-FolderEntries $Lab $Target $Shared | Should -Be $Image
    }

    It 'has the toolstack''s own save and restore: the real header, the guest''s size, and the real refusal of a name that is taken' {
        $file = "$Shared/lab-check.save"
        Invoke-LabHost $Lab $Source @('sh', '-c', "$Tool save -c `"`$1`" `"`$2`" 2>/dev/null", 'sh', $Guest, $file) | Out-Null
        try {
            Invoke-LabHost $Lab $Source @('head', '-c', $Magic.Length, $file) | Should -BeExactly $Magic
            [long](Invoke-LabHost $Lab $Source @('stat', '-c', '%s', $file)) | Should -BeGreaterThan (32MB)
            $restore = Invoke-LabHost $Lab $Source @('sh', '-c', "$Tool restore `"`$1`" 2>&1; echo exit `$?", 'sh', $file)
        }
        finally {
            Invoke-LabHost $Lab $Source @('rm', '-f', $file) | Out-Null
        }
        $restore[-1] | Should -Be 'exit 1'
        $restore -join "`n" | Should -BeLike $Clash
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
    }

    It 'changes nothing with -WhatIf, and leaves no marker' {
        Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Target -SaveTo $Shared -WhatIf | Should -BeNullOrEmpty
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
        Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be 'absent'
        Get-FolderEntries $Lab $Source $Shared | Should -Be $SharedBefore
    }

    It 'refuses a folder the hosts do not share<Skip>, and changes nothing' -ForEach @(@{ Skip = '' }, @{ Skip = ' with -SkipReadinessCheck' }) {
        $skip = @{ SkipReadinessCheck = [bool]$Skip }
        Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Target -SaveTo /srv/local @skip -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaveFolderNotShared,*'
        $failures[0].Exception.Message | Should -BeLike "*$Target has a folder of its own at /srv/local*Nothing was changed."
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
        Get-FolderEntries $Lab $Source /srv/local | Should -BeNullOrEmpty
        Get-FolderEntries $Lab $Target /srv/local | Should -BeNullOrEmpty
    }

    It 'refuses the hostile folder <Case> before anything runs' -ForEach @(
        @{ Case = "with '..'"; Path = '/srv/shared/../../tmp' }
        @{ Case = 'with a line break'; Path = "/srv/shared`n; touch /tmp/xenps-canary" }
        @{ Case = 'with a quote'; Path = "/srv/shared/'; touch /tmp/xenps-canary; '" }
        @{ Case = 'that is relative'; Path = 'srv/shared' }
        @{ Case = 'that is the root'; Path = '/' }
    ) {
        Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Target -SaveTo $Path -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SaveFolderInvalid,*'
        $failures[0].Exception.Message | Should -BeLike '*Give the absolute path of a folder*Nothing was changed.'
        Test-Canary $Lab $Source | Should -BeFalse
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
    }

    It 'refuses a hostile domain name as a name it does not have, and runs nothing of it' {
        Move-XenDomain -Name "$Guest; touch $Canary" -ComputerName $Source -Destination $Target -SaveTo $Shared -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        Test-Canary $Lab $Source | Should -BeFalse
        Test-Canary $Lab $Target | Should -BeFalse
        Get-FolderEntries $Lab $Source $Shared | Should -Be $SharedBefore
    }

    It 'refuses a destination that lacks the memory when the readiness checks run' {
        Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Short -SaveTo $Shared -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReadinessCheckFailed,*'
        $failures[0].Exception.Message | Should -BeLike '*`[Memory`]*'
        $failures[0].Exception.Message | Should -Not -BeLike '*`[SshTrust`]*'
        $failures[0].Exception.Message | Should -Not -BeLike '*`[Relocation`]*'
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
    }

    It 'restores the guest on the source when the destination''s restore fails, says so, and removes the state file' {
        $result = Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Short -SaveTo $Shared -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $result.Method | Should -Be 'SaveRestore'
        $result.DomainLocation | Should -Be 'Source'
        $result.StateFileRemoved | Should -BeTrue
        $result.StateFile | Should -BeLike "$Shared/$Guest-*.xenps-save"
        $result.Error | Should -BeLike "*$Refusal*$Guest was restored on $Source from its state file and runs there again*"
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
        Get-GuestFlags $Lab $Short $Tool $Guest | Should -Be 'absent'
        Get-FolderEntries $Lab $Source $Shared | Should -Be $SharedBefore
    }

    It 'moves the guest: it runs on the destination, not on the source, and the state file is gone' {
        $result = Move-XenDomain -Name $Guest -ComputerName $Source -Destination $Target -SaveTo "$Shared/" -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.Method | Should -Be 'SaveRestore'
        $result.Live | Should -BeFalse
        $result.DomainLocation | Should -Be 'Destination'
        $result.VerifiedOnDestination | Should -BeTrue
        $result.SourceState | Should -Be 'Absent'
        $result.StateFileRemoved | Should -BeTrue
        $result.Error | Should -BeNullOrEmpty
        Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be '-b----'
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be 'absent'
        Get-FolderEntries $Lab $Target $Shared | Should -Be $SharedBefore
    }

    It 'refuses to restore the guest where a domain of its name runs' {
        Move-XenDomain -Name $Guest -ComputerName $Target -Destination $Target -SaveTo $Shared -SkipReadinessCheck -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DomainExists,*'
        Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be '-b----'
    }

    It 'goes on to the restore after Ctrl+C once the save has started, says so, and shows how it ended' {
        # The toolstack on the source takes 4 s to restore, so that Ctrl+C comes between the save on the destination and the restore.
        $wrapper = "#!/bin/sh`ncase `"`$1`" in restore) sleep 4 ;; esac`nexec /usr/sbin/$Tool.sim `"`$@`"`n"
        Invoke-LabHost $Lab $Source @('sh', '-c', "mv /usr/sbin/$Tool /usr/sbin/$Tool.sim && printf %s `"`$1`" > /usr/sbin/$Tool && chmod 755 /usr/sbin/$Tool", 'sh', $wrapper) | Out-Null
        try {
            $script = New-TestFile -Name 'move.ps1' -Line @(
                "Import-Module '$env:XENPS_MODULE'"
                '$PSStyle.OutputRendering = "PlainText"'
                "New-XenSession -ComputerName $Target, $Source -SshConfigPath '$($Lab.ssh_config)' | Out-Null"
                "Move-XenDomain -Name $Guest -ComputerName $Target -Destination $Source -SaveTo $Shared -SkipReadinessCheck -Confirm:`$false"
                '"not stopped"')
            $child = Start-ChildPwsh $script
            $stdout = $child.StandardOutput.ReadToEndAsync()
            $stderr = $child.StandardError.ReadToEndAsync()
            for ($i = 0; $i -lt 300 -and (Get-GuestFlags $Lab $Target $Tool $Guest) -ne 'absent'; $i++) { Start-Sleep -Milliseconds 100 }
            Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be 'absent' -Because 'the save on the destination has ended'
            & kill -INT $child.Id
            $child.WaitForExit(120000) | Should -BeTrue
        }
        finally {
            Invoke-LabHost $Lab $Source @('mv', "/usr/sbin/$Tool.sim", "/usr/sbin/$Tool") | Out-Null
        }
        $output = ($stdout.Result + $stderr.Result) -split '\r?\n'
        $output | Should -Not -Contain 'not stopped'
        $warnings = @($output -like 'WARNING: *')
        $warnings.Count | Should -Be 2
        $warnings[0] | Should -BeLike "WARNING: ${Guest}: Move-XenDomain -SaveTo goes on until the guest runs again, on $Source or on ${Target}: *Its state is in $Shared/$Guest-*.xenps-save."
        $warnings[1] | Should -Be "WARNING: ${Guest}: Succeeded."
        Get-GuestFlags $Lab $Source $Tool $Guest | Should -Be '-b----'
        Get-GuestFlags $Lab $Target $Tool $Guest | Should -Be 'absent'
        Get-FolderEntries $Lab $Source $Shared | Should -Be $SharedBefore
    }
}
