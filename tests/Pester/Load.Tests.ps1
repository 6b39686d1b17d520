# A short run of build/Load.ps1, the script of build.ps1 -Task Load, so that it keeps working between load runs.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:Lab = Start-TestLab -Name pload -LabProfile readiness
    # A path in a fresh folder with no file yet, so that the file read below can only be the script's.
    $script:OutputPath = New-TestFile -Name load.json
    Remove-Item -LiteralPath $OutputPath
    # Invoke-ChildPwsh throws with the script's output when it exits non-zero, as it does on any failed call.
    $script:Output = Invoke-ChildPwsh -File (Join-Path $PSScriptRoot '../../build/Load.ps1') -ArgumentList @(
        '-ModulePath', $env:XENPS_MODULE, '-LabDirectory', $Lab.dir, '-Callers', '4', '-Seconds', '5', '-OutputPath', $OutputPath)
    $script:Result = Get-Content -Raw -LiteralPath $OutputPath | ConvertFrom-Json
}

AfterAll {
    Stop-TestLab $Lab
}

Describe 'build/Load.ps1' {
    It 'writes the run''s figures as JSON' {
        $Result.callers | Should -Be 4
        $Result.seconds | Should -Be 5
        $Result.cores | Should -Be ([Environment]::ProcessorCount)
        $Result.hosts | Should -Be @('dom0-a', 'dom0-b', 'xl-a', 'xl-b')
        $Result.hungCallers | Should -Be 0
        $Result.memory.samples | Should -BeGreaterThan 1
        $Result.memory.workingSet.series.Count | Should -Be $Result.memory.samples
        $Result.memory.managedHeap.series.Count | Should -Be $Result.memory.samples
        $Result.memory.retainedAtStartMB | Should -BeGreaterThan 0
        $Result.memory.retainedAtEndMB | Should -BeGreaterThan 0
        $Output -join "`n" | Should -BeLike "*Written: $OutputPath*"
    }

    It 'calls every cmdlet of the mix, without a failure' {
        $Result.cmdlets.cmdlet | Should -Be @('Get-XenDomain', 'Get-XenHost', 'Get-XendRelocation', 'Test-XenMigrationReadiness')
        foreach ($cmdlet in $Result.cmdlets) {
            $cmdlet.calls | Should -BeGreaterThan 0 -Because $cmdlet.cmdlet
            $cmdlet.failures | Should -Be 0 -Because "$($cmdlet.cmdlet) failed with: $($cmdlet.errors)"
        }
    }

    It 'reaches every host over one TCP connection, closed with its session' {
        foreach ($connection in $Result.connections) {
            $connection.max | Should -Be 1 -Because $connection.host
            $connection.afterClose | Should -Be 0 -Because $connection.host
        }
    }
}
