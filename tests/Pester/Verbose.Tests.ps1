# -Verbose shows every remote command: "HOST #N run: COMMAND" as it starts, then "HOST #N exit CODE after T ms", one line
# format on every cmdlet; Move-XenDomain puts the domain's name first, so that parallel migrations can be told apart.

BeforeAll {
    Import-Module $env:XENPS_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name pverb -LabProfile migrate-xl

    function Get-Trace([scriptblock] $Command) {
        <# The verbose lines of the command, as strings. #>
        $VerbosePreference = 'Continue'
        @(& $Command 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }

    function Assert-Traced([string[]] $Lines, [string] $HostName, [string] $Prefix = '') {
        <# Every command run on the host is traced as it starts and as it ends, the two lines paired by their number. #>
        $escaped = [regex]::Escape("$Prefix$HostName")
        $started = @($Lines | Where-Object { $_ -match "^$escaped #(\d+) run: \S" } | ForEach-Object { [regex]::Match($_, '#(\d+)').Groups[1].Value })
        $ended = @($Lines | Where-Object { $_ -match "^$escaped #(\d+) exit \d+ after \d+ ms$" } | ForEach-Object { [regex]::Match($_, '#(\d+)').Groups[1].Value })
        $started | Should -Not -BeNullOrEmpty
        ($ended | Sort-Object) | Should -Be ($started | Sort-Object)
    }
}

AfterAll {
    Get-XenSession | Remove-XenSession
    Stop-TestLab $Lab
}

Describe 'The trace of remote commands with -Verbose' {
    It 'shows what New-XenSession runs to detect the toolstack, and no secret' {
        $password = $Lab.users.root.password
        $credential = [pscredential]::new('root', (ConvertTo-SecureString $password -AsPlainText -Force))
        $lines = Get-Trace { New-XenSession -ComputerName xl-a -SshConfigPath $Lab.ssh_config -Credential $credential }
        Assert-Traced $lines xl-a
        $lines -join "`n" | Should -Not -BeLike "*$password*"
        Get-XenSession | Remove-XenSession
    }

    It 'shows the commands of <Name> on every host' -ForEach @(
        @{ Name = 'Get-XenHost'; Command = { Get-XenHost -ComputerName xl-a, xl-b } }
        @{ Name = 'Get-XenDomain'; Command = { Get-XenDomain -ComputerName xl-a, xl-b } }
        @{ Name = 'Test-XenMigrationReadiness'; Command = { Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b } }
    ) {
        New-XenSession -ComputerName xl-a, xl-b -SshConfigPath $Lab.ssh_config | Out-Null
        $lines = Get-Trace $Command
        Assert-Traced $lines xl-a
        Assert-Traced $lines xl-b
    }

    It 'shows the script calls by name rather than the scripts they define' {
        $lines = Get-Trace { Test-XenMigrationReadiness -Name tiny -ComputerName xl-a -Destination xl-b }
        $lines -match '^xl-\w #\d+ run: .*\[[a-z-]+\.sh\] xenps_\w+' | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 440 }
    }

    It 'puts the domain first for each of two migrations in parallel, the toolstack''s command among them' {
        $lines = Get-Trace { Move-XenDomain -Name tiny, mini -ComputerName xl-a -Destination xl-b -SkipReadinessCheck -Confirm:$false | Out-Null }
        foreach ($domain in 'tiny', 'mini') {
            Assert-Traced $lines xl-a "${domain}: "
            $lines -match "^${domain}: xl-a #\d+ run: \[migration-job\.sh\] xenps_job_start .* 'xl' 'migrate' " | Should -Not -BeNullOrEmpty
        }
    }
}
