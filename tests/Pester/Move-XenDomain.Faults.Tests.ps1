BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabScript = Join-Path $PSScriptRoot '../XenLab/xenlab.py'

    function Wait-LabRow($Lab, [string] $HostName, [string] $Pattern) {
        <# Waits until the host's domain list has a row matching the pattern. #>
        $tool = if ($HostName -like 'xl-*') { 'xl' } else { 'xm' }
        for ($i = 0; $i -lt 600; $i++) {
            if ((Invoke-LabHost $Lab $HostName @($tool, 'list')) -match $Pattern) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "$HostName never listed a row like '$Pattern'."
    }

    function Start-Move([string] $Name, [string] $From, [string] $To, [hashtable] $Extra = @{}) {
        <# Move-XenDomain in a thread job; Receive-Move returns its result and its errors. #>
        $module = $env:XENPS_MODULE
        Start-ThreadJob -ScriptBlock {
            Import-Module $using:module
            $extra = $using:Extra
            Move-XenDomain -Name $using:Name -ComputerName $using:From -Destination $using:To -SkipReadinessCheck -Confirm:$false @extra
        }
    }

    function Receive-Move($Job) {
        $result = $Job | Wait-Job -Timeout 180 | Receive-Job -ErrorVariable failures -ErrorAction SilentlyContinue
        Remove-Job $Job -Force
        [pscustomobject]@{ Result = $result; Failures = @($failures) }
    }

    function Get-RunningHost($Lab, [string] $Domain, [string[]] $HostName) {
        <# The hosts where the domain runs under its own name (running or blocked; not paused, suspended, crashed or dying), from inside the lab. #>
        foreach ($name in $HostName) {
            $tool = if ($name -like 'xl-*') { 'xl' } else { 'xm' }
            $row = @((Invoke-LabHost $Lab $name @($tool, 'list')) -match "^$([regex]::Escape($Domain))\s+\d")
            if ($row -and ($row[0] -split '\s+')[4] -match '^(?=.*[rb])[^pscd]*$') { $name }
        }
    }

    function Get-LockState($Lab, [string] $HostName) {
        <# Each migration job folder (the lock) on a host: 'running', or 'rc N' once its command recorded exit code N. #>
        $script = 'for d in /var/run/xenps/migrate-*; do [ -d "$d" ] || continue; if [ -f "$d/rc" ]; then echo "rc $(cat "$d/rc")"; else echo running; fi; done'
        Invoke-LabHost $Lab $HostName @('sh', '-c', $script) | Where-Object { $_ }
    }

    function Wait-OnlyOn([string] $Domain, [string] $HostName) {
        <# Follows a migration that goes on without XenPS as its message says: Get-XenDomain until the domain is listed by that host only. #>
        $hosts = $null
        for ($i = 0; $i -lt 300 -and "$hosts" -ne $HostName; $i++) {
            Start-Sleep -Milliseconds 200
            $hosts = (Get-XenDomain -Name $Domain -ErrorAction SilentlyContinue).ComputerName
        }
    }

    function Start-FaultLab([string] $Name, [string] $LabProfile, [string[]] $HostName, [string] $Rate = '16mbit') {
        <# A lab whose links are slow enough for a fault to strike while a migration is under way. #>
        $lab = Start-TestLab -Name $Name -LabProfile $LabProfile
        Set-LabLinkRate $lab $Rate
        New-XenSession -ComputerName $HostName -SshConfigPath $lab.ssh_config | Out-Null
        $lab
    }

    function Stop-FaultLab($Lab) {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }
}

Describe 'Move-XenDomain when the receiver is killed, and with the leftover it leaves' {
    BeforeAll { $script:Lab = Start-FaultLab pfltrcv migrate-xl 'xl-a', 'xl-b' }
    AfterAll { Stop-FaultLab $Lab }

    It 'fails with the guest running on the source, the root cause, and the leftover named with the command that removes it' {
        $job = Start-Move tiny xl-a xl-b
        Wait-LabRow $Lab xl-b '^tiny--incoming\s'
        Send-LabSignal $Lab xl-b KILL 'xl', 'migrate-receive' | Should -Not -BeNullOrEmpty
        $move = Receive-Move $job

        $move.Result.Status | Should -Be 'Failed'
        $move.Result.SourceState | Should -Be 'Blocked'
        $move.Result.DestinationState | Should -Be 'Migrating'
        $move.Result.Leftover | Should -Be 'tiny--incoming'
        $move.Result.Error | Should -BeLike 'libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading ipc msg header*died due to fatal signal Broken pipe*exited with error status 255 Migration failed, resuming at sender.*'
        $move.Result.Error | Should -BeLike "*xl migrate exited with status 1. tiny runs on xl-a, as before; xl-b holds tiny--incoming, a leftover of a failed migration (paused (--p---), 0 vCPU(s), and no receive process runs for it): remove it with 'xl destroy tiny--incoming' on xl-b, or give Move-XenDomain -RemoveLeftover."
        $move.Failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
        (Invoke-LabHost $Lab xl-b @('xl', 'list')) -match '^tiny--incoming\s+\d+\s+32\s+0\s+--p---' | Should -Not -BeNullOrEmpty
        Get-RunningHost $Lab tiny 'xl-a', 'xl-b' | Should -Be 'xl-a'
        Get-LockState $Lab xl-a | Should -BeNullOrEmpty
    }

    It 'leaves the leftover as real xl does: paused, no vCPUs, left out of xl list -l with libxl''s error' {
        $row = (Invoke-LabHost $Lab xl-b @('xl', 'list')) -match '^tiny--incoming\s'
        $id = ($row -split '\s+')[1]
        $capture = Get-Content (Join-Path $PSScriptRoot '../reference/xl-list-l.xen-4.17.5-stale-incoming-stderr-and-json.txt') -TotalCount 1
        $long = Invoke-LabHostCommand $Lab xl-b @('xl', 'list', '-l')

        $long.ExitCode | Should -Be 0
        $long.Stderr.TrimEnd("`n") | Should -Be ($capture -replace 'Domain 5:', "Domain ${id}:")
        ($long.Stdout | ConvertFrom-Json).config.c_info.name | Should -Not -Contain 'tiny--incoming'
    }

    It 'is named by the readiness check as a leftover, with its remedy' {
        $check = (Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b).Checks | Where-Object Id -EQ NameFree
        $check.Status | Should -Be 'Fail'
        $check.Detail | Should -BeLike 'xl-b holds tiny--incoming, a leftover of a failed migration of tiny (paused (--p---), 0 vCPU(s), and no receive process runs for it)*'
        $check.Remedy | Should -Be "Remove it with 'xl destroy tiny--incoming' on xl-b, or give Move-XenDomain -RemoveLeftover."
    }

    It 'makes the next migration fail as real xl does: the name is already present' {
        $move = Receive-Move (Start-Move tiny xl-a xl-b)

        $move.Result.Status | Should -Be 'Failed'
        $move.Result.Leftover | Should -Be 'tiny--incoming'
        $move.Result.Error | Should -BeLike '*Domain with name "tiny--incoming" already exists.*migration target: Domain creation failed (code -3).*tiny runs on xl-a, as before; xl-b holds tiny--incoming, a leftover*'
    }

    It 'asks before -RemoveLeftover destroys anything, for a guest named by a pattern too' {
        $script = New-TestFile -Name 'whatif.ps1' -Line @(
            "Import-Module '$env:XENPS_MODULE'"
            "New-XenSession -ComputerName xl-a, xl-b -SshConfigPath '$($Lab.ssh_config)' | Out-Null"
            'Move-XenDomain -Name ''ti*'' -ComputerName xl-a -Destination xl-b -RemoveLeftover -WhatIf -ErrorAction SilentlyContinue'
            'exit 0')
        $output = Invoke-ChildPwsh $script
        $output | Should -Contain "What if: Performing the operation `"Destroy the leftover of a failed migration of tiny ('xl destroy tiny--incoming')`" on target `"tiny--incoming on xl-b`"."
        (Invoke-LabHost $Lab xl-b @('xl', 'list')) -match '^tiny--incoming\s' | Should -Not -BeNullOrEmpty
    }

    It 'removes the leftover with -RemoveLeftover, and the retry succeeds' {
        Set-LabLinkRate $Lab none
        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -RemoveLeftover -Confirm:$false -Verbose 4>&1
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $migration = $result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        $verbose | Should -Contain 'xl-b: xl destroy tiny--incoming'
        $migration.Status | Should -Be 'Succeeded'
        $migration.SourceState | Should -Be 'Absent'
        $migration.DestinationState | Should -Be 'Blocked'
        $migration.Leftover | Should -BeNullOrEmpty
        (Invoke-LabHost $Lab xl-b @('xl', 'list')) -match '^tiny' | Should -Match '^tiny\s+\d+\s+32\s+1\s+-b----'
    }
}

Describe 'Move-XenDomain when the sender crashes' {
    BeforeAll { $script:Lab = Start-FaultLab pfltsnd migrate-xl-418 'xl-a', 'xl-b' }
    AfterAll { Stop-FaultLab $Lab }

    It 'reports the guest suspended on the source and running nowhere, with the signal, and how to resume it' {
        $job = Start-Move tiny xl-a xl-b
        Wait-LabRow $Lab xl-a '^tiny\s+\d+\s+32\s+1\s+---ss-'
        Send-LabSignal $Lab xl-a ABRT 'xl', 'migrate', '--' | Should -Not -BeNullOrEmpty
        $move = Receive-Move $job

        $move.Result.Status | Should -Be 'Unknown'
        $move.Result.SourceState | Should -Be 'Suspended'
        $move.Result.DestinationState | Should -Be 'Absent'
        $move.Result.Leftover | Should -BeNullOrEmpty
        $move.Result.Error | Should -BeLike "Aborted* xl migrate was killed by SIGABRT (exit status 134). Now tiny is suspended on xl-a (---ss-); xl-b has no copy of it. tiny is suspended on xl-a and runs nowhere: resume it with 'xl resume tiny' on xl-a."
        $move.Failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationOutcomeUnknown,*'
        Get-RunningHost $Lab tiny 'xl-a', 'xl-b' | Should -BeNullOrEmpty
        Get-LockState $Lab xl-a | Should -BeNullOrEmpty
    }

    It 'migrates once the guest is resumed as the message says' {
        Invoke-LabHost $Lab xl-a @('xl', 'resume', 'tiny') | Out-Null
        Set-LabLinkRate $Lab none
        $result = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.DestinationState | Should -Be 'Blocked'
    }
}

Describe 'Move-XenDomain when xend is killed on the destination while it receives' {
    BeforeAll { $script:Lab = Start-FaultLab pfltxnd migrate-xm 'dom0-a', 'dom0-b' }
    AfterAll { Stop-FaultLab $Lab }

    It 'never suggests destroying the incoming copy of a transfer in progress' {
        $script:Move = Start-Move com-xp1 dom0-a dom0-b
        Wait-LabRow $Lab dom0-b '^migrating-com-xp1\s'
        $busy = (Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b).Checks | Where-Object Id -EQ NameFree
        $busy.Detail | Should -BeLike 'dom0-b is receiving com-xp1 right now (listed as migrating-com-xp1: paused (--p---), 0 vCPU(s), and a receive process (xc_restore) runs for it).'
        $busy.Remedy | Should -BeLike '*Do not destroy migrating-com-xp1 while it is being received.'
    }

    It 'fails with the guest running on the source and says that the destination could not be listed' {
        Invoke-LabHost $Lab dom0-b @('sh', '-c', 'kill -KILL "$(cat /var/run/xend.pid)"') | Out-Null
        # Once xend is gone the transfer ends, and what the slow link still holds need not crawl.
        Set-LabLinkRate $Lab none
        $move = Receive-Move $Move

        $move.Result.Status | Should -Be 'Failed'
        $move.Result.SourceState | Should -Be 'Blocked'
        $move.Result.DestinationState | Should -Be 'Unknown'
        $move.Result.Error | Should -BeLike "Error: /usr/lib/xen/bin/xc_save * failed xm migrate exited with status 1. com-xp1 runs on dom0-a, as before; dom0-b could not be listed ('xm list --long' failed on dom0-b (exit code 1): Error: Unable to connect to xend: Connection refused. Is xend running?): once it answers, look there for com-xp1 or an incoming copy of it ('xm list'); if xend is not running there, start it ('xend start')."
        $move.Result.Error | Should -Not -BeLike '*neither*'
        Get-RunningHost $Lab com-xp1 'dom0-a' | Should -Be 'dom0-a'
        Get-LockState $Lab dom0-a | Should -BeNullOrEmpty
    }

    It 'leaves a paused migrating-com-xp1 without vCPUs that readiness names as a leftover once xend runs again' {
        Invoke-LabHost $Lab dom0-b @('xend', 'start') | Out-Null
        (Invoke-LabHost $Lab dom0-b @('xm', 'list')) -match '^migrating-com-xp1\s+\d+\s+32\s+0\s+--p---' | Should -Not -BeNullOrEmpty
        $check = (Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b).Checks | Where-Object Id -EQ NameFree
        $check.Detail | Should -BeLike 'dom0-b holds migrating-com-xp1, a leftover of a failed migration of com-xp1 (paused (--p---), 0 vCPU(s), and no receive process runs for it); xend refuses a new copy while it is there.'
        $check.Remedy | Should -Be "Remove it with 'xm destroy migrating-com-xp1' on dom0-b, or give Move-XenDomain -RemoveLeftover."
    }

    It 'removes the leftover with -RemoveLeftover, and the retry succeeds' {
        Set-LabLinkRate $Lab none
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -RemoveLeftover -Confirm:$false
        $result.Status | Should -Be 'Succeeded'
        $result.DestinationState | Should -Be 'Blocked'
        (Invoke-LabHost $Lab dom0-b @('xm', 'list')) -match '^migrating-' | Should -BeNullOrEmpty
    }
}

Describe 'Move-XenDomain with a timeout shorter than the migration' {
    BeforeAll { $script:Lab = Start-FaultLab pflttmo migrate-xm 'dom0-a', 'dom0-b' }
    AfterAll { Stop-FaultLab $Lab }

    It 'reports the migration as still in progress, with how to follow it, and the migration goes on to succeed' {
        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Timeout 2 -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result.Status | Should -Be 'Unknown'
        $result.SourceState | Should -Be 'Migrating'
        $result.DestinationState | Should -Be 'Migrating'
        $result.Leftover | Should -BeNullOrEmpty
        $result.Error | Should -BeLike "com-xp1 is still being migrated: xm migrate has not ended within 2 s and goes on on dom0-a. Now com-xp1 is listed on dom0-a as migrating-com-xp1 (-b----); dom0-b lists migrating-com-xp1, which is still being received*Follow it with 'Get-XenDomain -ComputerName dom0-a, dom0-b -Name com-xp1' until com-xp1 runs on dom0-b only, or read its output with 'cat /var/run/xenps/migrate-*/log' on dom0-a*"
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationOutcomeUnknown,*'
        Get-LockState $Lab dom0-a | Should -BeIn 'running', 'rc 0'

        Set-LabLinkRate $Lab none
        Wait-OnlyOn com-xp1 dom0-b
        Get-RunningHost $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
        Get-LockState $Lab dom0-a | Should -Be 'rc 0'
    }
}

Describe 'Move-XenDomain''s progress bar on a slow link' {
    BeforeAll { $script:Lab = Start-FaultLab pfltprg migrate-xm 'dom0-a', 'dom0-b' -Rate 64mbit }
    AfterAll { Stop-FaultLab $Lab }

    It 'follows the bytes the source sends, as xm prints nothing while it migrates' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:XENPS_MODULE).AddStatement()
            $null = $ps.AddCommand('Move-XenDomain').AddParameters(@{ Name = 'com-xp1'; ComputerName = 'dom0-a'; Destination = 'dom0-b'; SkipReadinessCheck = $true; Confirm = $false })
            $result = $ps.Invoke()
            $bars = @($ps.Streams.Progress | Where-Object { $_.Activity -eq 'Migrating com-xp1 to dom0-b' -and $_.StatusDescription -match ' MiB sent at ' })
        }
        finally {
            $ps.Dispose()
        }
        $result.Status | Should -Be 'Succeeded'
        $bars | Should -Not -BeNullOrEmpty
        $bars[0].StatusDescription | Should -Match '\d+ s: \d+ MiB sent at [\d.,]+ MiB/s of 32 MiB of memory, about \d+ s left$'
        $bars[-1].PercentComplete | Should -BeGreaterThan 0
        $bars.PercentComplete | ForEach-Object { $_ | Should -BeLessOrEqual 99 }
    }
}

Describe "Move-XenDomain when the migration job's shell is killed on the source" {
    BeforeAll { $script:Lab = Start-FaultLab pfltsh migrate-xm 'dom0-a', 'dom0-b' }
    AfterAll { Stop-FaultLab $Lab }

    It 'follows xm until it ends, then reports what both hosts show without an exit status, and frees the lock' {
        $job = Start-Move com-xp1 dom0-a dom0-b
        $session = $null
        for ($i = 0; $i -lt 600 -and -not $session; $i++) {
            Start-Sleep -Milliseconds 100
            $session = Invoke-LabHost $Lab dom0-a @('sh', '-c', 'cat /var/run/xenps/migrate-*/pid 2>/dev/null || true') | Where-Object { $_ }
        }
        $script:LockName = Invoke-LabHost $Lab dom0-a @('sh', '-c', 'cd /var/run/xenps && ls -d migrate-*')
        $session | Should -Match '^\d+$'
        Invoke-LabHost $Lab dom0-a @('kill', '-KILL', $session) | Out-Null
        # The slow link only had to keep the transfer going until the shell was killed; the rest need not crawl.
        Set-LabLinkRate $Lab none
        $move = Receive-Move $job

        $move.Result.Status | Should -Be 'Unknown'
        $move.Result.SourceState | Should -Be 'Absent'
        $move.Result.DestinationState | Should -BeIn 'Running', 'Blocked'
        Get-RunningHost $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
        $move.Result.Error | Should -BeLike 'How xm migrate ended is not known: the shell that ran it on the source was killed, and it recorded no exit status.*'
        $move.Failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationOutcomeUnknown,*'
        Invoke-LabHost $Lab dom0-a @('sh', '-c', 'ls /var/run/xenps 2>/dev/null || true') | Where-Object { $_ } | Should -BeNullOrEmpty
    }

    It 'takes over the lock of a job whose processes are all gone, so that the next move starts' {
        $lock = "/var/run/xenps/$LockName"
        Invoke-LabHost $Lab dom0-b @('sh', '-c', 'mkdir -p "$1" && echo xenps-test > "$1/owner" && echo 4194303 > "$1/pid"', 'sh', $lock) | Out-Null
        Set-XendRelocation -ComputerName dom0-a -Enabled -HostsAllow '^dom0-b$' -Restart -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Set-LabLinkRate $Lab none

        $result = Move-XenDomain -Name com-xp1 -ComputerName dom0-b -Destination dom0-a -SkipReadinessCheck -Confirm:$false -ErrorAction Stop

        $result.Status | Should -Be 'Succeeded'
        Invoke-LabHost $Lab dom0-b @('sh', '-c', 'ls /var/run/xenps 2>/dev/null || true') | Where-Object { $_ } | Should -BeNullOrEmpty
    }
}

Describe 'Move-XenDomain when the links of the destination are cut during the transfer' {
    BeforeAll { $script:Lab = Start-FaultLab pfltcut migrate-xm 'dom0-a', 'dom0-b' 64mbit }
    AfterAll { Stop-FaultLab $Lab }

    It 'waits out a cut of 5 s, then reports the guest moved and running once, and frees the lock' {
        $job = Start-Move com-xp1 dom0-a dom0-b
        Wait-LabRow $Lab dom0-b '^migrating-com-xp1\s'
        & /usr/bin/python3 $LabScript link --dir $Lab.dir dom0-b down | Out-Null
        try { Start-Sleep -Seconds 5 }
        finally { & /usr/bin/python3 $LabScript link --dir $Lab.dir dom0-b up | Out-Null }
        $move = Receive-Move $job

        $move.Failures | Should -BeNullOrEmpty
        $move.Result.Status | Should -Be 'Succeeded'
        $move.Result.SourceState | Should -Be 'Absent'
        $move.Result.DestinationState | Should -Be 'Blocked'
        $move.Result.VerifiedOnDestination | Should -BeTrue
        Get-RunningHost $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
        Get-LockState $Lab dom0-a | Should -BeNullOrEmpty
    }
}

Describe 'Move-XenDomain stopped with Ctrl+C, and its job stopped with Stop-Job' {
    BeforeAll { $script:Lab = Start-FaultLab pfltint migrate-xm 'dom0-a', 'dom0-b' 64mbit }
    AfterAll { Stop-FaultLab $Lab }

    It 'says in one line that the migration goes on on the source and how to follow it, and the migration ends there' {
        $script = New-TestFile -Name 'move.ps1' -Line @(
            "Import-Module '$env:XENPS_MODULE'"
            '$PSStyle.OutputRendering = "PlainText"'
            "New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath '$($Lab.ssh_config)' | Out-Null"
            'Move-XenDomain -Name com-xp1 -ComputerName dom0-a -Destination dom0-b -SkipReadinessCheck -Confirm:$false'
            '"not stopped"')
        $child = Start-ChildPwsh $script
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        Wait-LabRow $Lab dom0-b '^migrating-com-xp1\s'
        & kill -INT $child.Id
        $child.WaitForExit(120000) | Should -BeTrue
        $output = ($stdout.Result + $stderr.Result) -split '\r?\n'

        $output | Should -Not -Contain 'not stopped'
        $warnings = @($output -like 'WARNING: *')
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -BeLike "WARNING: com-xp1: XenPS stopped watching, but xm migrate goes on on dom0-a. Follow it with 'Get-XenDomain -ComputerName dom0-a, dom0-b -Name com-xp1' until com-xp1 runs on dom0-b only, or read its output with 'cat /var/run/xenps/migrate-*/log' on dom0-a; do not start com-xp1 anywhere or destroy a copy of it meanwhile."
        Wait-OnlyOn com-xp1 dom0-b
        Get-RunningHost $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-b'
        Get-LockState $Lab dom0-a | Should -Be 'rc 0'
    }

    It 'says the same as a warning of the job when Stop-Job stops Move-XenDomain -AsJob' {
        Set-XendRelocation -ComputerName dom0-a -Enabled -HostsAllow '^dom0-b$' -Restart -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $job = Move-XenDomain -Name com-xp1 -ComputerName dom0-b -Destination dom0-a -SkipReadinessCheck -AsJob -Confirm:$false
        Wait-LabRow $Lab dom0-a '^migrating-com-xp1\s'
        $job | Stop-Job
        $job | Wait-Job -Timeout 60 | Out-Null
        $job | Receive-Job -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
        Remove-Job $job -Force

        $job.State | Should -Be 'Stopped'
        @($warned).Count | Should -Be 1
        "$($warned[0])" | Should -BeLike "com-xp1: XenPS stopped watching, but xm migrate goes on on dom0-b. Follow it with 'Get-XenDomain -ComputerName dom0-b, dom0-a -Name com-xp1' until com-xp1 runs on dom0-a only*"
        Wait-OnlyOn com-xp1 dom0-a
        Get-RunningHost $Lab com-xp1 'dom0-a', 'dom0-b' | Should -Be 'dom0-a'
        Get-LockState $Lab dom0-b | Should -Be 'rc 0'
    }
}

Describe 'Move-XenDomain when the source prints a domain list it cannot read' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pfltprs -LabProfile migrate-xl
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
        # xl on xl-a prints cut-off JSON for 'xl list -l' from its second call on (the count in /var/run/xenps-list-count) and runs
        # the simulator for everything else: the first listing resolves -Name before anything runs, so the migration's own domain
        # listing is what fails, after the session (which does not list domains) is open. Each test removes the count first.
        $wrapper = "#!/bin/sh`ncase `"`$1 `$2`" in`n    'list -l'|'list --long')`n        n=`$(cat /var/run/xenps-list-count 2>/dev/null || echo 0); echo `$((n + 1)) > /var/run/xenps-list-count`n        if [ `"`$n`" -ge 1 ]; then echo '[ { `"domid`": 1, `"config`": '; exit 0; fi ;;`nesac`nexec /usr/sbin/xl.sim `"`$@`"`n"
        Invoke-LabHost $Lab xl-a @('sh', '-c', 'mv /usr/sbin/xl /usr/sbin/xl.sim && printf %s "$1" > /usr/sbin/xl && chmod 755 /usr/sbin/xl', 'sh', $wrapper) | Out-Null
        $script:Activity = 'Migrating tiny to xl-b'

        function Assert-UnreadableListReported($Errors, $Progress) {
            <# One error record of the domain (UnreadableData), and the domain's progress bar ended. #>
            @($Errors).Count | Should -Be 1
            $Errors[0].FullyQualifiedErrorId | Should -BeLike 'UnreadableData*'
            $Errors[0].TargetObject | Should -Be 'tiny'
            "$($Errors[0])" | Should -BeLike 'The output of xl list -l is not valid JSON*'
            $bar = @($Progress | Where-Object Activity -EQ $Activity)
            $bar | Should -Not -BeNullOrEmpty
            $bar[-1].RecordType | Should -Be 'Completed'
        }
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'writes one non-terminating error naming the domain and completes its progress bar' {
        Invoke-LabHost $Lab xl-a @('rm', '-f', '/var/run/xenps-list-count') | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:XENPS_MODULE).AddStatement()
            $null = $ps.AddCommand('Move-XenDomain').AddParameters(@{ Name = 'tiny'; ComputerName = 'xl-a'; Destination = 'xl-b'; SkipReadinessCheck = $true; Confirm = $false })
            $output = $ps.Invoke()

            $output | Should -BeNullOrEmpty
            Assert-UnreadableListReported $ps.Streams.Error $ps.Streams.Progress
        }
        finally {
            $ps.Dispose()
        }
        (Invoke-LabHost $Lab xl-a @('xl', 'list')) -match '^tiny\s' | Should -Not -BeNullOrEmpty
    }

    It 'reports the same in the job''s streams with -AsJob, and the job completes' {
        Invoke-LabHost $Lab xl-a @('rm', '-f', '/var/run/xenps-list-count') | Out-Null
        $job = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -SkipReadinessCheck -AsJob -Confirm:$false
        $job | Wait-Job -Timeout 120 | Out-Null
        $errors = @($job.Error)
        $progress = @($job.Progress)
        $job | Receive-Job -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-Job $job -Force

        $job.State | Should -Be 'Completed'
        Assert-UnreadableListReported $errors $progress
    }
}

Describe 'Move-XenDomain with a destination it cannot open' {
    It 'writes an error record for the destination that -ErrorAction decides about' {
        Move-XenDomain -Name tiny -ComputerName nowhere.invalid -Destination nowhere.invalid -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        @($failed).Count | Should -Be 1
        $failed[0].TargetObject | Should -Be 'nowhere.invalid'
        { Move-XenDomain -Name tiny -ComputerName nowhere.invalid -Destination nowhere.invalid -Confirm:$false -ErrorAction Stop } | Should -Throw
    }
}
