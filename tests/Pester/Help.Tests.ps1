<#
Every exported cmdlet has a docs/en-US page, and the help built from it reaches Get-Help: the page's synopsis,
two examples or more, a description for each parameter, parameter metadata that matches the cmdlet, and no page
or parameter that the module does not have. $env:XENPS_MODULE is the full path of the built XenPS.psd1.
#>

BeforeDiscovery {
    if (-not $env:XENPS_MODULE) {
        throw 'XENPS_MODULE is not set: run build.ps1 -Task Test, or set it to the full path of the built XenPS.psd1.'
    }
    $module = Import-Module $env:XENPS_MODULE -PassThru -ErrorAction Stop
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $cmdletCases = foreach ($cmdlet in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
        @{
            Name       = $cmdlet.Name
            Parameters = @($cmdlet.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object | ForEach-Object { @{ Parameter = $_ } })
        }
    }
}

BeforeAll {
    Import-Module $env:XENPS_MODULE -ErrorAction Stop
    $script:Docs = (Resolve-Path (Join-Path $PSScriptRoot '../../docs/en-US')).Path

    function Get-PageSection {
        <# The lines of one '## Title' section of a markdown page, without the heading. #>
        param([string[]] $Lines, [string] $Title)
        if (-not $Lines) { return @() }
        $start = [array]::IndexOf($Lines, "## $Title")
        if ($start -lt 0) { return @() }
        $end = $start + 1
        while ($end -lt $Lines.Count -and $Lines[$end] -notmatch '^#{1,2} ') { $end++ }
        $Lines[($start + 1)..($end - 1)]
    }

    function Get-PageParameter {
        <# Each '### -Name' of the PARAMETERS section with the values of its yaml block. #>
        param([string[]] $Lines)
        $current = $null
        foreach ($line in (Get-PageSection $Lines 'PARAMETERS')) {
            if ($line -match '^### -(\w+)\s*$') {
                if ($current) { $current }
                $current = @{ Name = $Matches[1] }
            }
            elseif ($line -match '^### ') {
                if ($current) { $current }
                $current = $null
            }
            elseif ($current -and $line -match '^(Type|Parameter Sets):\s*(.*?)\s*$' -and -not $current.ContainsKey($Matches[1])) {
                $current[$Matches[1]] = $Matches[2]
            }
        }
        if ($current) { $current }
    }

    function Get-PipelineKinds {
        <# ByValue/ByPropertyName out of MAML's pipelineInput text, sorted. #>
        param([string] $Text)
        @([regex]::Matches($Text, 'ByValue|ByPropertyName').Value | Sort-Object)
    }
}

Describe 'XenPS help' {
    It 'has no page in docs/en-US for a cmdlet that the module does not export' {
        $exported = (Get-Module XenPS).ExportedCmdlets.Keys
        $stale = Get-ChildItem -LiteralPath $script:Docs -Filter '*-*.md' | Where-Object BaseName -NotIn $exported
        $stale.Name | Should -BeNullOrEmpty -Because 'every cmdlet page must belong to an exported cmdlet (remove or rename the stale page)'
    }

    It 'finds the about topic with Get-Help about_XenPS' {
        $about = Get-Help about_XenPS -ErrorAction Stop
        $about.Name | Should -Be 'about_XenPS' -Because 'en-US/about_XenPS.help.txt, built from docs/en-US/about_XenPS.md, must be in the module folder'
        ($about | Out-String) | Should -Match 'SHORT DESCRIPTION'
    }

    Context '<Name>' -ForEach $cmdletCases {
        BeforeAll {
            $pagePath = Join-Path $script:Docs "$Name.md"
            $pageLines = if (Test-Path -LiteralPath $pagePath) { (Get-Content -LiteralPath $pagePath) -replace '\s+$' } else { @() }
            $help = Get-Help $Name -Full
            $command = Get-Command $Name
        }

        It 'has the page docs/en-US/<Name>.md' {
            Test-Path -LiteralPath $pagePath | Should -BeTrue -Because "every exported cmdlet needs a help page; write docs/en-US/$Name.md in the PlatyPS schema"
        }

        It 'shows the synopsis of its page, not the generated one' {
            $expected = ((Get-PageSection $pageLines 'SYNOPSIS') -join ' ' -replace '\s+', ' ').Trim()
            $expected | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md needs a '## SYNOPSIS' text"
            ($help.Synopsis -replace '\s+', ' ').Trim() | Should -BeExactly $expected -Because "Get-Help $Name must read en-US/XenPS.dll-Help.xml built from docs/en-US/$Name.md"
        }

        It 'has at least two examples' {
            @($help.examples.example | Where-Object { $_ }).Count | Should -BeGreaterOrEqual 2 -Because "docs/en-US/$Name.md needs two '### Example' entries or more"
        }

        It 'documents only parameters that <Name> has' {
            $stale = Get-PageParameter $pageLines | ForEach-Object { $_.Name } | Where-Object { -not $command.Parameters.ContainsKey($_) }
            $stale | Should -BeNullOrEmpty -Because "docs/en-US/$Name.md documents parameters that $Name does not have"
        }

        Context '-<Parameter>' -ForEach $Parameters {
            BeforeAll {
                $helpParameter = $help.parameters.parameter | Where-Object name -EQ $Parameter
                $pageParameter = Get-PageParameter $pageLines | Where-Object { $_.Name -eq $Parameter }
                $metadata = $command.Parameters[$Parameter]
                $sets = $metadata.ParameterSets
            }

            It 'has a description' {
                ($helpParameter.description | ForEach-Object Text) -join '' | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must describe -$Parameter under '## PARAMETERS'"
            }

            It 'has the type, parameter sets and wildcard support of the cmdlet' {
                $pageParameter | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md needs a '### -$Parameter' entry with a yaml block"
                $pageParameter['Type'] | Should -Be $metadata.ParameterType.Name -Because "the yaml 'Type:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet"
                $expectedSets = if ($sets.ContainsKey('__AllParameterSets')) { '(All)' } else { ($sets.Keys | Sort-Object) -join ', ' }
                (($pageParameter['Parameter Sets'] -split ',\s*' | Sort-Object) -join ', ') | Should -Be $expectedSets -Because "the yaml 'Parameter Sets:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet"
                $wildcards = [bool]($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                $helpParameter.globbing | Should -Be $wildcards.ToString() -Because "'Accept wildcard characters:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet's [SupportsWildcards()]"
            }

            It 'has the required flag, position and pipeline input of the cmdlet' {
                $required = [bool]($sets.Values | Where-Object IsMandatory)
                $helpParameter.required | Should -Be $required.ToString() -Because "'Required:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet"
                $positions = @($sets.Values.Position | Where-Object { $_ -ge 0 } | Sort-Object -Unique)
                $position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
                $helpParameter.position | Should -Be $position -Because "'Position:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet"
                $pipeline = @(
                    if ($sets.Values | Where-Object ValueFromPipeline) { 'ByValue' }
                    if ($sets.Values | Where-Object ValueFromPipelineByPropertyName) { 'ByPropertyName' }
                ) | Sort-Object
                (Get-PipelineKinds $helpParameter.pipelineInput) -join ', ' | Should -Be ($pipeline -join ', ') -Because "'Accept pipeline input:' of -$Parameter in docs/en-US/$Name.md must match the cmdlet"
            }
        }
    }
}
