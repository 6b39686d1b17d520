<#
The default views and the objects outside the process, on a real lab: the views keep fixed widths whatever the width they
are written at (a terminal, Out-String, a log without a terminal), show the remedy of a check that did not pass, and
render a deserialised object (Start-Job and Receive-Job, Export-Clixml and Import-Clixml) as they render the object
itself; a deserialised object keeps the properties of the objects it holds.
#>
BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force

    function Get-Widest([string] $Text) {
        ($Text -split "`r?`n" | Measure-Object -Property Length -Maximum).Maximum
    }

    # Lines wrapped at spaces, joined again: what a view shows of a long text, whatever its columns.
    function Get-Flowing([string] $Text) { $Text -replace '\s+', ' ' }

    function Copy-ThroughClixml($InputObject) {
        $path = New-TestFile -Name 'objects.clixml'
        $InputObject | Export-Clixml -LiteralPath $path
        Import-Clixml -LiteralPath $path
    }

    # Runs $Script in a job (a PowerShell process of its own) that has imported the module under test, and returns what it wrote.
    function Receive-FromJob([scriptblock] $Script, [object[]] $ArgumentList) {
        $job = Start-Job -ScriptBlock {
            Import-Module $using:env:XENPS_MODULE
            $arguments = $using:ArgumentList
            & ([scriptblock]::Create($using:Script)) @arguments
        }
        try {
            $job | Wait-Job -Timeout 120 | Should -Not -BeNullOrEmpty -Because 'the job ends within two minutes'
            $job | Receive-Job -ErrorAction Stop
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    function Assert-SameChecks($Actual, $Expected) {
        @($Actual.Checks).Count | Should -Be @($Expected.Checks).Count
        for ($i = 0; $i -lt @($Expected.Checks).Count; $i++) {
            $got = $Actual.Checks[$i]
            $want = $Expected.Checks[$i]
            $got.Id | Should -BeExactly $want.Id
            [string]$got.Status | Should -BeExactly ([string]$want.Status)
            $got.Detail | Should -BeExactly $want.Detail
            $got.Remedy | Should -BeExactly $want.Remedy
            $got.Waived | Should -Be $want.Waived
        }
    }

    function Assert-SameDevices($Actual, $Expected) {
        @($Actual.Disks).Count | Should -Be @($Expected.Disks).Count
        for ($i = 0; $i -lt @($Expected.Disks).Count; $i++) {
            foreach ($name in 'Path', 'Backend', 'Target', 'Mode', 'IsCdrom') {
                $Actual.Disks[$i].$name | Should -Be $Expected.Disks[$i].$name
            }
        }
        @($Actual.Vifs).Count | Should -Be @($Expected.Vifs).Count
        for ($i = 0; $i -lt @($Expected.Vifs).Count; $i++) {
            foreach ($name in 'Bridge', 'Mac', 'Model') {
                $Actual.Vifs[$i].$name | Should -Be $Expected.Vifs[$i].$name
            }
        }
    }
}

Describe 'Views and serialisation of readiness reports, domains, hosts and sessions' {
    BeforeAll {
        $script:Lab = Start-TestLab -Name pfmt -LabProfile readiness
        New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $Lab.ssh_config | Out-Null
        # dom0-b's relocation server is off: the Relocation check fails, with Set-XendRelocation as its remedy.
        $script:Report = Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
        $script:Failed = $Report.Checks | Where-Object Id -EQ 'Relocation'
        $script:Domains = @(Get-XenDomain -ComputerName dom0-a)
        $script:Guest = $Domains | Where-Object Name -EQ 'com-xp1'
        $script:HostFacts = Get-XenHost -ComputerName dom0-a

        $script:FromJob = Receive-FromJob -ArgumentList $Lab.ssh_config -Script {
            param($SshConfig)
            New-XenSession -ComputerName dom0-a, dom0-b -SshConfigPath $SshConfig | Out-Null
            Test-XenMigrationReadiness -Name com-xp1 -ComputerName dom0-a -Destination dom0-b
            Get-XenDomain -ComputerName dom0-a
            Get-XenHost -ComputerName dom0-a
        }
        $script:JobReport = $FromJob | Where-Object { $_.pstypenames -contains 'Deserialized.XenPS.Core.Model.ReadinessReport' }
        $script:JobDomains = @($FromJob | Where-Object { $_.pstypenames -contains 'Deserialized.XenPS.Core.Model.XenDomain' })
        $script:JobHost = $FromJob | Where-Object { $_.pstypenames -contains 'Deserialized.XenPS.Core.Model.XenHost' }
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
    }

    It 'has a failed check with a remedy to show' {
        "$($Failed.Status)" | Should -Be 'Fail'
        $Failed.Remedy | Should -BeLike 'Set-XendRelocation -ComputerName dom0-b -Enabled*'
    }

    It 'keeps every check''s Detail and Remedy through Start-Job and Receive-Job' {
        $JobReport | Should -Not -BeNullOrEmpty
        $JobReport.IsReady | Should -BeFalse
        Assert-SameChecks $JobReport $Report
        $JobReport.MigrationTarget.Host | Should -BeExactly $Report.MigrationTarget.Host
        $JobReport.MigrationTarget.Port | Should -Be $Report.MigrationTarget.Port
    }

    It 'keeps the disks and network interfaces of a domain through Start-Job and Receive-Job' {
        $jobGuest = $JobDomains | Where-Object Name -EQ 'com-xp1'
        @($Guest.Disks).Count | Should -BeGreaterThan 0
        $Guest.Disks[0].Path | Should -Not -BeNullOrEmpty
        $jobGuest.Disks[0].Path | Should -BeExactly $Guest.Disks[0].Path
        $jobGuest.Vifs[0].Bridge | Should -BeExactly $Guest.Vifs[0].Bridge
        Assert-SameDevices $jobGuest $Guest
    }

    It 'keeps checks, disks, vifs and a host''s info lines through Export-Clixml and Import-Clixml' {
        $report, $guest, $facts = Copy-ThroughClixml @($Report, $Guest, $HostFacts)
        $report.pstypenames[0] | Should -Be 'Deserialized.XenPS.Core.Model.ReadinessReport'
        Assert-SameChecks $report $Report
        Assert-SameDevices $guest $Guest
        @($facts.Info).Count | Should -Be @($HostFacts.Info).Count
        $facts.Info[0].Key | Should -BeExactly $HostFacts.Info[0].Key
        $facts.Info[0].Value | Should -BeExactly $HostFacts.Info[0].Value
    }

    It 'shows the remedy of the failed check in the report''s default view, and none of a check that passed' {
        $text = $Report | Out-String -Width 300
        Get-Flowing $text | Should -BeLike "* Relocation Fail *Remedy: $($Failed.Remedy)*"
        $passed = $Report.Checks | Where-Object { "$($_.Status)" -eq 'Pass' -and $_.Remedy }
        foreach ($check in $passed) { Get-Flowing $text | Should -Not -BeLike "*Remedy: $($check.Remedy)*" }
        $text | Should -BeLike '*com-xp1: dom0-a -> dom0-b: NOT ready*'
        $text | Should -Match 'Id\s+Status\s+Detail'
    }

    It 'writes the report in 80 columns, the same at every width from 80 up' {
        $wide = $Report | Out-String -Width 300
        Get-Widest $wide | Should -BeLessOrEqual 80
        $Report | Out-String -Width 80 | Should -BeExactly $wide
        $Report.Checks | Out-String -Width 80 | Should -BeExactly ($Report.Checks | Out-String -Width 300)
    }

    It 'keeps the default views of <Name> within 120 columns, the same at 120 as at 300' -ForEach @(
        @{ Name = 'domains'; Objects = { $Domains } }
        @{ Name = 'hosts'; Objects = { $HostFacts } }
        @{ Name = 'disks'; Objects = { $Guest.Disks } }
        @{ Name = 'vifs'; Objects = { $Guest.Vifs } }
        @{ Name = 'sessions'; Objects = { Get-XenSession } }
        @{ Name = 'relocation settings'; Objects = { Get-XendRelocation -ComputerName dom0-a, dom0-b } }
    ) {
        $objects = & $Objects
        $wide = $objects | Out-String -Width 300
        Get-Widest $wide | Should -BeLessOrEqual 120
        $objects | Out-String -Width 120 | Should -BeExactly $wide
    }

    It 'renders a report, domains and a host from a job as it renders them here' {
        $JobReport | Out-String -Width 300 | Should -BeExactly ($Report | Out-String -Width 300)
        $JobDomains | Out-String -Width 300 | Should -BeExactly ($Domains | Out-String -Width 300)
        $JobHost | Out-String -Width 300 | Should -BeExactly ($HostFacts | Out-String -Width 300)
        $JobHost | Format-List | Out-String -Width 300 | Should -BeExactly ($HostFacts | Format-List | Out-String -Width 300)
    }

    It 'writes the report and its remedy within 80 columns to a log, where PowerShell has no terminal' {
        $saved = New-TestFile -Name 'report.clixml'
        $Report | Export-Clixml -LiteralPath $saved
        $show = New-TestFile -Name 'show.ps1' -Line "Import-Module '$env:XENPS_MODULE'", "Import-Clixml -LiteralPath '$saved'"
        $text = (Invoke-ChildPwsh -File $show) -join "`n"
        Get-Widest $text | Should -BeLessOrEqual 80
        Get-Flowing $text | Should -BeLike "* Relocation Fail *Remedy: $($Failed.Remedy)*"
    }

    It 'shows a session without its shell and toolstack detection, in Format-List * and in JSON' {
        $session = Get-XenSession -ComputerName dom0-a
        $session.PSObject.Properties.Name | Should -Not -Contain 'Shell'
        $session.PSObject.Properties.Name | Should -Not -Contain 'Detection'
        $list = $session | Format-List * | Out-String -Width 300
        $list | Should -Match 'ComputerName\s+: dom0-a'
        $list | Should -Not -Match '\b(Shell|Detection|InfoLines)\b'
        $json = $session | ConvertTo-Json -Depth 4
        ($json | ConvertFrom-Json).ComputerName | Should -Be 'dom0-a'
        $json | Should -Not -Match '"(Shell|Detection|InfoLines)"'
    }
}

Describe 'View and serialisation of migration results' {
    BeforeAll {
        $script:SavedDataHome = $env:XDG_DATA_HOME
        $env:XDG_DATA_HOME = Split-Path (New-TestFile)
        $script:Lab = Start-TestLab -Name pfmtmig -LabProfile migrate-xl
        New-XenSession -ComputerName xl-a, xl-b, xl-c -SshConfigPath $Lab.ssh_config | Out-Null
        # tiny moves to xl-b; xl-c is short of memory for mini, which stays on xl-a.
        $script:Moved = Move-XenDomain -Name tiny -ComputerName xl-a -Destination xl-b -Confirm:$false
        $script:Refused = Move-XenDomain -Name mini -ComputerName xl-a -Destination xl-c -SkipReadinessCheck -Confirm:$false -ErrorAction SilentlyContinue
        $script:Results = @($Moved, $Refused)
    }
    AfterAll {
        Get-XenSession | Remove-XenSession
        Stop-TestLab $Lab
        $env:XDG_DATA_HOME = $SavedDataHome
    }

    It 'shows one row per migration: domain, hosts, status, duration, MB/s and where the domain is' {
        "$($Moved.Status)", "$($Refused.Status)" | Should -Be 'Succeeded', 'Failed'
        $text = $Results | Out-String -Width 300
        $rows = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        $rows.Count | Should -Be 4
        $rows[0] | Should -Match '^Domain\s+Source -> Destination\s+Status\s+Duration\s+MB/s\s+Location$'
        $rows[2] | Should -Match ('^tiny\s+xl-a -> xl-b\s+Succeeded\s+{0} s\s+{1}\s+Destination$' -f
            [regex]::Escape(('{0:N1}' -f $Moved.Duration.TotalSeconds)), [regex]::Escape(('{0:N1}' -f $Moved.ThroughputMBps)))
        $rows[3] | Should -Match '^mini\s+xl-a -> xl-c\s+Failed\s+\S+ s\s+Source$'
    }

    It 'writes the results in 80 columns, the same at every width from 80 up' {
        $wide = $Results | Out-String -Width 300
        Get-Widest $wide | Should -BeLessOrEqual 80
        $Results | Out-String -Width 80 | Should -BeExactly $wide
    }

    It 'keeps the migration target through Export-Clixml and Import-Clixml, and renders the copies as the results' {
        $copies = @(Copy-ThroughClixml $Results)
        $copies[0].pstypenames[0] | Should -Be 'Deserialized.XenPS.Core.Model.MigrationResult'
        $copies[0].MigrationTarget.Host | Should -BeExactly $Moved.MigrationTarget.Host
        $copies[0].MigrationTarget.Port | Should -Be $Moved.MigrationTarget.Port
        $copies | Out-String -Width 300 | Should -BeExactly ($Results | Out-String -Width 300)
    }
}
