<#
The journal of migrations on a real lab: Move-XenDomain in the foreground and with -AsJob records each migration it
starts in $XDG_DATA_HOME/XenPS/migrations.jsonl (pointed here at a fresh folder for this file, before the first
migration), and Get-XenMigrationHistory reads it back, newest first, with its filters.
#>
BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    $script:SavedDataHome = $env:XDG_DATA_HOME
    $script:DataHome = Split-Path (New-TestFile)
    $env:XDG_DATA_HOME = $DataHome
    $script:Journal = Join-Path $DataHome 'XenPS/migrations.jsonl'

    $script:Lab = Start-TestLab -Name phist -LabProfile migrate-xl
    New-XenSession -ComputerName xl-a, xl-b, xl-c -SshConfigPath $Lab.ssh_config | Out-Null

    # Oldest first: a success, a refusal by the destination (short of memory), then, after $Mark, a migration that fails
    # without a result (xl with -Live:$false), and a success with -AsJob.
    $script:Moved = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -Confirm:$false
    $script:Refused = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-c -SkipReadinessCheck -Confirm:$false -ErrorAction SilentlyContinue
    $script:Mark = Get-Date
    Start-Sleep -Milliseconds 50
    Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-b -Live:$false -SkipReadinessCheck -Confirm:$false -ErrorVariable liveOnlyErrors -ErrorAction SilentlyContinue
    $script:LiveOnlyErrors = $liveOnlyErrors
    $job = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-b -Confirm:$false -AsJob
    $script:Jobbed = $job | Wait-Job -Timeout 60 | Receive-Job
    $script:JobState = $job.State
    Remove-Job $job -Force

    function Copy-Journal {
        <# A copy of the journal in a new folder, changed by $Edit (a script block from the lines to the new lines); its path. #>
        param([scriptblock] $Edit = { $args[0] })
        $path = New-TestFile -Name 'copy.jsonl'
        $lines = @(Get-Content -LiteralPath $Journal)
        [System.IO.File]::WriteAllText($path, ((& $Edit $lines) -join "`n"))
        $path
    }
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
    $env:XDG_DATA_HOME = $SavedDataHome
}

Describe 'Get-XenMigrationHistory' {
    It 'the migrations themselves went as expected' {
        $Moved.Status | Should -Be 'Succeeded'
        $Refused.Status | Should -Be 'Failed'
        $LiveOnlyErrors[0].FullyQualifiedErrorId | Should -BeLike 'LiveOnly,*'
        $JobState | Should -Be 'Completed'
        $Jobbed.Status | Should -Be 'Succeeded'
    }

    It 'has a start and an end line for each migration in XDG_DATA_HOME, holding no path of the lab''s keys' {
        $lines = @(Get-Content -LiteralPath $Journal)
        $lines.Count | Should -Be 8
        $records = $lines | ConvertFrom-Json
        @($records | Where-Object event -EQ 'start').Count | Should -Be 4
        @($records | Where-Object event -EQ 'end').Count | Should -Be 4
        $text = Get-Content -Raw -LiteralPath $Journal
        $text | Should -Not -BeLike "*$($Lab.dir)*"
        $text | Should -Not -BeLike '*id_ed25519*'
    }

    It 'returns one object per migration, newest first, with its status, hosts, target and duration' {
        $history = @(Get-XenMigrationHistory)

        $history.Count | Should -Be 4
        $history | ForEach-Object { $_.GetType().FullName | Should -Be 'XenPS.Core.Model.MigrationHistoryEntry' }
        $history.Domain | Should -Be @('mini', 'mini', 'mini', 'tiny')
        $history.Status | Should -Be @('Succeeded', 'Failed', 'Failed', 'Succeeded')
        $history.Source | Should -Be @('xl-a', 'xl-a', 'xl-a', 'xl-a')
        $history.Destination | Should -Be @('xl-b', 'xl-b', 'xl-c', 'xl-b')
        $history.MigrationTarget.Host | Should -Be @('xl-b', 'xl-b', 'xl-c', 'xl-b')
        $history.MigrationTarget.Port | Should -Be @(22, 22, 22, 22)
        $history | ForEach-Object { $_.Duration | Should -BeGreaterThan ([TimeSpan]::Zero) }
        $history | ForEach-Object { $_.Toolstack | Should -Be 'Xl' }
        $history | ForEach-Object { $_.StartedBy | Should -Be "$([Environment]::UserName)@$([Environment]::MachineName)" }
        $history | ForEach-Object { $_.ProcessId | Should -Be $PID }
        for ($i = 1; $i -lt $history.Count; $i++) { $history[$i - 1].StartTime | Should -BeGreaterThan $history[$i].StartTime }
    }

    It 'records the result of a migration as its MigrationResult says' {
        $tiny = Get-XenMigrationHistory -Name tiny
        $tiny.Duration.TotalMilliseconds | Should -Be ([Math]::Floor($Moved.Duration.TotalMilliseconds))
        $tiny.DomainLocation | Should -Be 'Destination'
        $tiny.MigrationTarget.ToString() | Should -Be $Moved.MigrationTarget.ToString()
        $tiny.MigrationTarget.Reason | Should -Be $Moved.MigrationTarget.Reason
        $tiny.DomainUuid | Should -Match '^[0-9a-f]{8}-'
        $tiny.EndTime | Should -BeGreaterThan $tiny.StartTime

        $refused = Get-XenMigrationHistory -Name mini -ComputerName xl-c
        $refused.DomainLocation | Should -Be 'Source'
        $refused.Message | Should -BeLike '*mini runs on xl-a, as before; xl-c has no copy of it.'
        $refused.ErrorId | Should -BeNullOrEmpty

        $liveOnly = Get-XenMigrationHistory -Name mini | Where-Object ErrorId -EQ 'LiveOnly'
        @($liveOnly).Count | Should -Be 1
        $liveOnly.Message | Should -BeLike 'xl-a uses *, which always migrates live: leave out -Live:$false.'
        $liveOnly.DomainLocation | Should -BeNullOrEmpty
    }

    It 'filters by <Filter>' -ForEach @(
        @{ Filter = 'a domain name'; Parameters = @{ Name = 'mini' }; Expected = @('mini/xl-b', 'mini/xl-b', 'mini/xl-c') }
        @{ Filter = 'a domain wildcard'; Parameters = @{ Name = 'T*' }; Expected = @('tiny/xl-b') }
        @{ Filter = 'a source host'; Parameters = @{ ComputerName = 'xl-a' }; Expected = @('mini/xl-b', 'mini/xl-b', 'mini/xl-c', 'tiny/xl-b') }
        @{ Filter = 'a destination host'; Parameters = @{ ComputerName = 'xl-c' }; Expected = @('mini/xl-c') }
        @{ Filter = 'a host wildcard and a name'; Parameters = @{ ComputerName = 'xl-[bz]'; Name = 't*' }; Expected = @('tiny/xl-b') }
        @{ Filter = 'status'; Parameters = @{ Status = 'Failed' }; Expected = @('mini/xl-b', 'mini/xl-c') }
        @{ Filter = 'the newest N'; Parameters = @{ Last = 1 }; Expected = @('mini/xl-b') }
        @{ Filter = 'the newest N after another filter'; Parameters = @{ Name = 'mini'; Last = 1 }; Expected = @('mini/xl-b') }
        @{ Filter = 'a name that matches nothing'; Parameters = @{ Name = 'nothing' }; Expected = @() }
    ) {
        $shown = @(Get-XenMigrationHistory @Parameters | ForEach-Object { "$($_.Domain)/$($_.Destination)" })
        $shown | Should -Be $Expected
    }

    It 'filters by start time with -After and -Before' {
        @(Get-XenMigrationHistory -After $Mark).Domain | Should -Be @('mini', 'mini')
        @(Get-XenMigrationHistory -Before $Mark).Domain | Should -Be @('mini', 'tiny')
        @(Get-XenMigrationHistory -After $Mark.ToUniversalTime()).Domain | Should -Be @('mini', 'mini')
        @(Get-XenMigrationHistory -After (Get-Date).AddMinutes(1)) | Should -BeNullOrEmpty
    }

    It 'reads another journal with -Path, and writes JournalNotFound for a missing one' {
        $copy = Copy-Journal
        @(Get-XenMigrationHistory -Path $copy).Domain | Should -Be @('mini', 'mini', 'mini', 'tiny')
        (Get-XenMigrationHistory -Path $copy -Last 1).JournalPath | Should -Be $copy

        $missing = Join-Path (Split-Path $copy) 'none.jsonl'
        Get-XenMigrationHistory -Path $missing -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'JournalNotFound,*'
    }

    It 'skips a malformed line and a truncated last line with one warning each, naming the line' {
        $copy = Copy-Journal { param($lines) @($lines[0..3]) + 'not a journal line' + @($lines[4..7]) + $lines[0].Substring(0, 40) }

        $history = @(Get-XenMigrationHistory -Path $copy -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop)

        $history.Domain | Should -Be @('mini', 'mini', 'mini', 'tiny')
        $warnings.Count | Should -Be 2
        $warnings[0].Message | Should -BeLike "$copy, line 5: skipped, because *"
        $warnings[1].Message | Should -BeLike "$copy, line 10: skipped, because it is not complete JSON*"
    }

    It 'shows a migration without its end as Running while its process runs, and Unknown once that process is gone' {
        # The journal without the -AsJob migration's end line, as it was while the job ran.
        $running = Copy-Journal { param($lines) $lines[0..6] }
        $entry = Get-XenMigrationHistory -Path $running -Last 1
        $entry.Status | Should -Be 'Running'
        $entry.EndTime | Should -BeNullOrEmpty
        $entry.Message | Should -BeLike "No end is recorded yet: process $PID on *, which started it, still runs."

        $gone = Copy-Journal { param($lines) $lines[0..6] -replace '"pid":\d+', '"pid":2147483000' }
        $entry = Get-XenMigrationHistory -Path $gone -Last 1
        $entry.Status | Should -Be 'Unknown'
        $entry.Message | Should -BeLike "*has ended*Get-XenDomain -ComputerName xl-a, xl-b -Name mini*"
    }

    It 'has a default view no wider than 120 columns' {
        $text = Get-XenMigrationHistory | Out-String -Width 200
        $widest = ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum
        $widest | Should -BeLessOrEqual 120
        $text | Should -Match 'StartTime\s+Domain\s+Source\s+Destination\s+MigrationTarget\s+Status\s+Duration'
        $text | Should -Match 'tiny\s+xl-a\s+xl-b\s+xl-b:22\s+Succeeded'
    }

    It 'warns, and the migration still runs to its result, when the journal cannot be written' {
        # xl-b's root has no ssh trust to xl-c: xl migrate runs there and fails, and the guest stays on xl-b.
        $blocker = New-TestFile -Name 'not-a-folder'
        $env:XDG_DATA_HOME = $blocker
        try {
            $result = Move-XenDomain -Name tiny -ComputerName xl-b -Destination xl-c -SkipReadinessCheck -Confirm:$false `
                -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        finally {
            $env:XDG_DATA_HOME = $DataHome
        }
        $result.GetType().FullName | Should -Be 'XenPS.Core.Model.MigrationResult'
        $result.Status | Should -Be 'Failed'
        $result.DomainLocation | Should -Be 'Source'
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "The migration journal $blocker/XenPS/migrations.jsonl could not be written: *"
        @(Get-XenMigrationHistory).Count | Should -Be 4
    }
}
