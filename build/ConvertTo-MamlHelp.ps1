#Requires -Version 7.0
<#
.SYNOPSIS
Builds MAML help and about topics from PlatyPS-schema markdown, without PlatyPS.

.DESCRIPTION
Reads every cmdlet page (*-*.md) in DocsPath, written in the PlatyPS 2.0.0 markdown schema, and writes
one MAML file per 'external help file' named in the pages' front matter (XenPS.dll-Help.xml), with the
same structure that PlatyPS's New-ExternalHelp produces. Every about_*.md page (PlatyPS about schema:
'# Topic', '## about_Topic', '# SHORT DESCRIPTION', '# LONG DESCRIPTION', ...) becomes about_Topic.help.txt.

A page that breaks the schema stops the script with an error naming the file, the line and the section.

.EXAMPLE
./build/ConvertTo-MamlHelp.ps1 -DocsPath ./docs/en-US -OutputDirectory ./out/XenPS/1.0.0/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $DocsPath,

    [Parameter(Mandatory)]
    [string] $OutputDirectory
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:Namespaces = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$script:CommandSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$script:RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS'
$script:YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters', 'Applicable'
$script:RequiredYamlKeys = 'Type', 'Parameter Sets', 'Required', 'Position'
$script:AllSets = '(All)'
$script:AboutWidth = 80
$script:AboutIndent = '    '

function Stop-Schema {
    param([object] $Document, [int] $Line, [string] $Section, [string] $Message)
    $where = if ($Section) { " ($Section)" } else { '' }
    throw [System.IO.InvalidDataException]::new("$($Document.Path), line ${Line}${where}: $Message")
}

function Read-MarkdownDocument {
    <# Splits a markdown file into front matter and a flat list of Heading, Code and Para nodes. #>
    param([string] $Path)

    $lines = [System.IO.File]::ReadAllText($Path) -replace "`r`n?", "`n" -split "`n"
    $doc = [pscustomobject]@{ Path = $Path; FrontMatter = [ordered]@{}; Nodes = [System.Collections.Generic.List[object]]::new() }
    $i = 0
    if ($lines[0] -eq '---') {
        $end = [array]::IndexOf($lines, '---', 1)
        if ($end -lt 0) { Stop-Schema $doc 1 '' "the front matter opened by '---' is never closed by a '---' line." }
        for ($i = 1; $i -lt $end; $i++) {
            if ($lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $doc.FrontMatter[$Matches[1]] = $Matches[2] }
            elseif ($lines[$i].Trim()) { Stop-Schema $doc ($i + 1) 'front matter' "expected 'key: value', found '$($lines[$i])'." }
        }
        $i = $end + 1
    }

    $para = $null
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*([\w-]*)\s*$') {
            $fence = $Matches[1]
            $node = [pscustomobject]@{ Kind = 'Code'; Line = $i + 1; Info = $Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() }
            for ($i++; $i -lt $lines.Count -and $lines[$i].Trim() -ne $fence; $i++) { $node.Lines.Add($lines[$i]) }
            if ($i -ge $lines.Count) { Stop-Schema $doc $node.Line '' "the code block opened here is never closed by '$fence'." }
            $doc.Nodes.Add($node)
            $para = $null
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            $doc.Nodes.Add([pscustomobject]@{ Kind = 'Heading'; Line = $i + 1; Level = $Matches[1].Length; Text = $Matches[2] })
            $para = $null
        }
        elseif (-not $line.Trim()) {
            $para = $null
        }
        else {
            if (-not $para) {
                $para = [pscustomobject]@{ Kind = 'Para'; Line = $i + 1; Lines = [System.Collections.Generic.List[string]]::new() }
                $doc.Nodes.Add($para)
            }
            $para.Lines.Add($line)
        }
    }

    foreach ($node in $doc.Nodes) {
        $text = if ($node.Kind -eq 'Heading') { $node.Text } else { $node.Lines -join "`n" }
        if ($text -match '\{\{.*\}\}') {
            Stop-Schema $doc $node.Line '' 'a {{ placeholder }} from the PlatyPS template is still there: write the real text.'
        }
    }
    $doc
}

function ConvertFrom-InlineMarkdown {
    <# Plain text for help: links become 'text (uri)' (or 'text' for a relative link), bold markers go. #>
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]*)\)', {
            param($m)
            if ([uri]::IsWellFormedUriString($m.Groups[2].Value, [UriKind]::Absolute)) { '{0} ({1})' -f $m.Groups[1].Value, $m.Groups[2].Value }
            else { $m.Groups[1].Value }
        })
    $Text -replace '\*\*(.+?)\*\*', '$1'
}

function Get-Paragraphs {
    <# The text of Para nodes as one string per paragraph (lines joined by spaces); a code block or heading here breaks the schema. #>
    param([object] $Document, [object[]] $Nodes, [string] $Section)
    foreach ($node in $Nodes) {
        if ($node.Kind -ne 'Para') {
            $what = if ($node.Kind -eq 'Code') { 'a code block' } else { "the heading '$($node.Text)'" }
            Stop-Schema $Document $node.Line $Section "$what is not allowed here; only paragraphs of text are."
        }
        ConvertFrom-InlineMarkdown (($node.Lines | ForEach-Object Trim) -join ' ')
    }
}

function Split-ByHeading {
    <# Groups nodes under each heading of the given level; nodes before the first such heading go to Leading. #>
    param([object[]] $Nodes, [int] $Level)
    $result = [pscustomobject]@{ Leading = [System.Collections.Generic.List[object]]::new(); Groups = [System.Collections.Generic.List[object]]::new() }
    $current = $null
    foreach ($node in $Nodes) {
        if ($node.Kind -eq 'Heading' -and $node.Level -eq $Level) {
            $current = [pscustomobject]@{ Heading = $node; Nodes = [System.Collections.Generic.List[object]]::new() }
            $result.Groups.Add($current)
        }
        elseif ($current) { $current.Nodes.Add($node) }
        else { $result.Leading.Add($node) }
    }
    $result
}

function Read-ParameterYaml {
    param([object] $Document, [object] $Code, [string] $Section)
    $pairs = @{}
    foreach ($line in $Code.Lines) {
        if (-not $line.Trim()) { continue }
        if ($line -notmatch '^\s*([^:]+?)\s*:\s*(.*?)\s*$') {
            Stop-Schema $Document $Code.Line $Section "the yaml block must hold 'Key: value' lines, found '$line'."
        }
        $key = $script:YamlKeys | Where-Object { $_ -eq $Matches[1] }
        if (-not $key) { Stop-Schema $Document $Code.Line $Section "unknown yaml key '$($Matches[1])'; known keys: $($script:YamlKeys -join ', ')." }
        $pairs[$key] = $Matches[2]
    }
    foreach ($key in $script:RequiredYamlKeys) {
        if (-not $pairs[$key]) { Stop-Schema $Document $Code.Line $Section "the yaml block has no '${key}:' value." }
    }
    foreach ($key in 'Required', 'Accept wildcard characters') {
        if ($pairs[$key] -and $pairs[$key] -notin 'True', 'False') { Stop-Schema $Document $Code.Line $Section "'${key}:' must be True or False, found '$($pairs[$key])'." }
    }
    if ($pairs['Position'] -notmatch '^(Named|\d+)$') { Stop-Schema $Document $Code.Line $Section "'Position:' must be Named or a number, found '$($pairs['Position'])'." }
    $pipeline = if ($pairs['Accept pipeline input']) { $pairs['Accept pipeline input'] } else { 'False' }
    if ($pipeline -notmatch '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$') {
        Stop-Schema $Document $Code.Line $Section "'Accept pipeline input:' must be False or True (ByValue, ByPropertyName), found '$pipeline'."
    }

    $split = { param($value) if ($value) { @($value -split ',' | ForEach-Object Trim | Where-Object { $_ }) } else { @() } }
    $type = if ($pairs['Type'] -eq 'switch') { 'SwitchParameter' } else { $pairs['Type'] }
    [pscustomobject]@{
        Type           = $type
        IsSwitch       = $type -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter'
        Sets           = & $split $pairs['Parameter Sets']
        Aliases        = & $split $pairs['Aliases']
        AcceptedValues = & $split $pairs['Accepted values']
        Required       = $pairs['Required'] -eq 'True'
        Position       = $pairs['Position'].ToLowerInvariant()
        DefaultValue   = $pairs['Default value']
        PipelineInput  = $pipeline
        Globbing       = $pairs['Accept wildcard characters'] -eq 'True'
    }
}

function Read-Parameters {
    param([object] $Document, [object[]] $Nodes)
    $split = Split-ByHeading $Nodes 3
    if ($split.Leading.Count) { Stop-Schema $Document $split.Leading[0].Line '## PARAMETERS' "expected a '### -Name' heading first." }
    foreach ($group in $split.Groups) {
        $name = $group.Heading.Text
        if ($name -in 'CommonParameters', 'WorkflowCommonParameters') { continue }
        $section = "## PARAMETERS, $name"
        if ($name -notmatch '^-\w+$') { Stop-Schema $Document $group.Heading.Line $section "a parameter heading must be '### -Name' (or '### CommonParameters')." }
        $text = @($group.Nodes | Where-Object Kind -EQ 'Para')
        $yaml = @($group.Nodes | Where-Object Kind -EQ 'Code')
        $description = @(Get-Paragraphs $Document $text $section)
        if (-not $description) { Stop-Schema $Document $group.Heading.Line $section 'the parameter has no description.' }
        if (-not $yaml) { Stop-Schema $Document $group.Heading.Line $section 'the parameter has no ```yaml metadata block.' }
        $firstYaml = $group.Nodes.IndexOf($yaml[0])
        foreach ($node in $group.Nodes) {
            if ($node.Kind -eq 'Heading') { Stop-Schema $Document $node.Line $section "unexpected heading '$($node.Text)' inside a parameter." }
            if ($node.Kind -eq 'Code' -and $node.Info -ne 'yaml') { Stop-Schema $Document $node.Line $section 'a parameter takes ```yaml metadata blocks only.' }
            if ($node.Kind -eq 'Para' -and $group.Nodes.IndexOf($node) -gt $firstYaml) { Stop-Schema $Document $node.Line $section 'the description must come before the ```yaml block.' }
        }
        [pscustomobject]@{
            Name        = $name.Substring(1)
            Description = $description
            Metadata    = @($yaml | ForEach-Object { Read-ParameterYaml $Document $_ $section })
        }
    }
}

function Read-Syntax {
    <# Returns the parameter set names of the SYNTAX section in page order; an unnamed block stands for (All). #>
    param([object] $Document, [object[]] $Nodes, [int] $Line)
    $split = Split-ByHeading $Nodes 3
    if ($split.Groups.Count -eq 0) {
        if ($split.Leading.Count -ne 1 -or $split.Leading[0].Kind -ne 'Code') {
            Stop-Schema $Document $Line '## SYNTAX' 'a single parameter set needs exactly one ``` block; several need a ### SetName heading each.'
        }
        return , @($script:AllSets)
    }
    if ($split.Leading.Count) { Stop-Schema $Document $split.Leading[0].Line '## SYNTAX' "expected a '### SetName' heading before each syntax block." }
    , @(foreach ($group in $split.Groups) {
            if ($group.Nodes.Count -ne 1 -or $group.Nodes[0].Kind -ne 'Code') {
                Stop-Schema $Document $group.Heading.Line "## SYNTAX, $($group.Heading.Text)" 'each parameter set heading takes exactly one ``` block.'
            }
            $group.Heading.Text -replace '\s*\(Default\)$'
        })
}

function Read-Examples {
    param([object] $Document, [object[]] $Nodes)
    $split = Split-ByHeading $Nodes 3
    if ($split.Leading.Count) { Stop-Schema $Document $split.Leading[0].Line '## EXAMPLES' "expected a '### Example 1: title' heading first." }
    foreach ($group in $split.Groups) {
        $section = "## EXAMPLES, $($group.Heading.Text)"
        $code = @($group.Nodes | Where-Object Kind -EQ 'Code')
        if (-not $code) { Stop-Schema $Document $group.Heading.Line $section 'the example has no ```powershell code block.' }
        $firstCode = $group.Nodes.IndexOf($code[0])
        [pscustomobject]@{
            Title   = $group.Heading.Text
            Code    = ($code | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n"
            Remarks = @(
                Get-Paragraphs $Document @($group.Nodes | Select-Object -First $firstCode) $section
                Get-Paragraphs $Document @($group.Nodes | Select-Object -Skip $firstCode | Where-Object Kind -NE 'Code') $section)
        }
    }
}

function Read-TypeList {
    <# INPUTS and OUTPUTS: '### TypeName' headings, each with an optional description. #>
    param([object] $Document, [object[]] $Nodes, [string] $Section)
    $split = Split-ByHeading $Nodes 3
    if ($split.Leading.Count) { Stop-Schema $Document $split.Leading[0].Line "## $Section" "expected a '### TypeName' heading for each type." }
    foreach ($group in $split.Groups) {
        [pscustomobject]@{ TypeName = $group.Heading.Text; Description = @(Get-Paragraphs $Document $group.Nodes "## $Section, $($group.Heading.Text)") }
    }
}

function Read-Links {
    param([object] $Document, [object[]] $Nodes)
    foreach ($node in $Nodes) {
        if ($node.Kind -ne 'Para') { Stop-Schema $Document $node.Line '## RELATED LINKS' 'only [text](uri) links are allowed here.' }
        foreach ($line in $node.Lines) {
            if ($line.Trim() -notmatch '^\[([^\]]+)\]\(([^)\s]*)\)$') { Stop-Schema $Document $node.Line '## RELATED LINKS' "expected one [text](uri) link a line, found '$line'." }
            $uri = if ([uri]::IsWellFormedUriString($Matches[2], [UriKind]::Absolute)) { $Matches[2] } else { '' }
            [pscustomobject]@{ Text = $Matches[1]; Uri = $uri }
        }
    }
}

function Read-CommandPage {
    param([object] $Document)
    if (-not $Document.FrontMatter['external help file']) {
        Stop-Schema $Document 1 'front matter' "the front matter needs 'external help file: <Assembly>.dll-Help.xml'."
    }
    $top = Split-ByHeading $Document.Nodes 1
    if ($top.Groups.Count -ne 1 -or $top.Leading.Count) { Stop-Schema $Document 1 '' "a cmdlet page holds exactly one '# Cmdlet-Name' heading, before anything else." }
    $name = $top.Groups[0].Heading.Text
    $expected = [System.IO.Path]::GetFileNameWithoutExtension($Document.Path)
    if ($name -ne $expected) { Stop-Schema $Document $top.Groups[0].Heading.Line '' "the heading '# $name' does not match the file name '$expected.md'." }

    $sections = Split-ByHeading $top.Groups[0].Nodes 2
    if ($sections.Leading.Count) { Stop-Schema $Document $sections.Leading[0].Line '' "expected '## SYNOPSIS' right after '# $name'." }
    $byName = @{}
    $lineOf = @{}
    foreach ($group in $sections.Groups) {
        $title = $group.Heading.Text.ToUpperInvariant()
        if ($title -notin $script:CommandSections) { Stop-Schema $Document $group.Heading.Line '' "unknown section '## $($group.Heading.Text)'; the schema knows $($script:CommandSections -join ', ')." }
        if ($byName.ContainsKey($title)) { Stop-Schema $Document $group.Heading.Line '' "the section '## $title' appears twice." }
        $byName[$title] = @($group.Nodes)
        $lineOf[$title] = $group.Heading.Line
    }
    foreach ($title in $script:RequiredSections) {
        if (-not $byName.ContainsKey($title)) { Stop-Schema $Document 1 "## $title" "the page has no '## $title' section." }
    }
    $nodes = { param($title) if ($byName.ContainsKey($title)) { $byName[$title] } else { @() } }

    $synopsis = @(Get-Paragraphs $Document $byName['SYNOPSIS'] '## SYNOPSIS')
    if (-not $synopsis) { Stop-Schema $Document $lineOf['SYNOPSIS'] '## SYNOPSIS' 'the synopsis is empty.' }
    $examples = @(Read-Examples $Document $byName['EXAMPLES'])
    if (-not $examples) { Stop-Schema $Document $lineOf['EXAMPLES'] '## EXAMPLES' "the page has no '### Example' entry." }
    $parameters = @(Read-Parameters $Document $byName['PARAMETERS'])
    $syntaxSets = Read-Syntax $Document $byName['SYNTAX'] $lineOf['SYNTAX']

    $usedSets = @($parameters | ForEach-Object { $_.Metadata } | ForEach-Object { $_.Sets } | Where-Object { $_ -ne $script:AllSets } | Sort-Object -Unique)
    $namedSets = @($syntaxSets | Where-Object { $_ -ne $script:AllSets })
    foreach ($set in $usedSets) {
        if ($set -notin $namedSets) { Stop-Schema $Document $lineOf['SYNTAX'] '## SYNTAX' "parameter set '$set' is used in PARAMETERS but has no '### $set' syntax block." }
    }
    foreach ($set in $namedSets) {
        if ($set -notin $usedSets) { Stop-Schema $Document $lineOf['SYNTAX'] '## SYNTAX' "the syntax block '### $set' names a parameter set that no parameter belongs to." }
    }

    [pscustomobject]@{
        Name        = $name
        Synopsis    = $synopsis
        Description = @(Get-Paragraphs $Document $byName['DESCRIPTION'] '## DESCRIPTION')
        SyntaxSets  = $syntaxSets
        Parameters  = $parameters
        Examples    = $examples
        Inputs      = @(Read-TypeList $Document (& $nodes 'INPUTS') 'INPUTS')
        Outputs     = @(Read-TypeList $Document (& $nodes 'OUTPUTS') 'OUTPUTS')
        Notes       = @(Get-Paragraphs $Document (& $nodes 'NOTES') '## NOTES')
        Links       = @(Read-Links $Document (& $nodes 'RELATED LINKS'))
    }
}

function New-Element {
    param([string] $Name, [object[]] $Content = @())
    $prefix, $local = $Name -split ':', 2
    [System.Xml.Linq.XElement]::new([System.Xml.Linq.XName]::Get($local, $script:Namespaces[$prefix]), [object[]]$Content)
}

function New-Attribute {
    param([string] $Name, [object] $Value)
    $text = if ($Value -is [bool]) { $Value.ToString().ToLowerInvariant() } else { [string]$Value }
    [System.Xml.Linq.XAttribute]::new($Name, $text)
}

function New-Paragraphs {
    param([string[]] $Text)
    foreach ($para in $Text) { New-Element 'maml:para' $para }
}

function New-ParameterElement {
    <# One command:parameter, as PlatyPS renders it: in syntax items a switch has no parameterValue, and accepted values form a parameterValueGroup. #>
    param([object] $Parameter, [object] $Metadata, [switch] $InSyntax)
    $default = if ($Metadata.IsSwitch -and ($Metadata.DefaultValue -in '', 'None', $null)) { 'False' }
    elseif ($Metadata.DefaultValue) { $Metadata.DefaultValue }
    else { 'None' }
    New-Element 'command:parameter' @(
        New-Attribute 'required' $Metadata.Required
        New-Attribute 'variableLength' $true
        New-Attribute 'globbing' $Metadata.Globbing
        New-Attribute 'pipelineInput' $Metadata.PipelineInput
        New-Attribute 'position' $Metadata.Position
        New-Attribute 'aliases' $(if ($Metadata.Aliases) { $Metadata.Aliases -join ', ' } else { 'none' })
        New-Element 'maml:name' $Parameter.Name
        New-Element 'maml:description' @(New-Paragraphs $Parameter.Description)
        if ($InSyntax -and $Metadata.AcceptedValues) {
            New-Element 'command:parameterValueGroup' @(foreach ($value in $Metadata.AcceptedValues) {
                    New-Element 'command:parameterValue' @((New-Attribute 'required' $false), (New-Attribute 'variableLength' $false), $value)
                })
        }
        if (-not ($InSyntax -and $Metadata.IsSwitch)) {
            New-Element 'command:parameterValue' @((New-Attribute 'required' (-not $Metadata.IsSwitch)), (New-Attribute 'variableLength' $false), $Metadata.Type)
        }
        New-Element 'dev:type' @((New-Element 'maml:name' $Metadata.Type), (New-Element 'maml:uri'))
        New-Element 'dev:defaultValue' $default
    )
}

function New-SyntaxItem {
    <# The parameters of one set (or of every set, for (All)), positional ones first in position order. #>
    param([object] $Command, [string] $Set)
    $members = foreach ($parameter in $Command.Parameters) {
        $metadata = $parameter.Metadata | Where-Object { $Set -eq $script:AllSets -or $Set -in $_.Sets } | Select-Object -First 1
        if (-not $metadata) { $metadata = $parameter.Metadata | Where-Object { $script:AllSets -in $_.Sets } | Select-Object -First 1 }
        if ($metadata) { [pscustomobject]@{ Parameter = $parameter; Metadata = $metadata } }
    }
    $ordered = $members | Sort-Object -Stable { if ($_.Metadata.Position -eq 'named') { [int]::MaxValue } else { [int]$_.Metadata.Position } }
    New-Element 'command:syntaxItem' @(
        New-Element 'maml:name' $Command.Name
        foreach ($member in $ordered) { New-ParameterElement $member.Parameter $member.Metadata -InSyntax }
    )
}

function Format-ExampleTitle {
    <# PlatyPS pads example titles with dashes to 64 characters: '----- Example 1: Title -----'. #>
    param([string] $Title)
    if ($Title.Length -ge 62) { return $Title }
    $pad = '-' * [math]::Floor((64 - $Title.Length - 2) / 2)
    "$pad $Title $pad"
}

function New-TypeElement {
    param([string] $Kind, [object] $Entry)
    New-Element "command:$Kind" @(
        New-Element 'dev:type' @(New-Element 'maml:name' $Entry.TypeName)
        New-Element 'maml:description' @(New-Paragraphs $Entry.Description)
    )
}

function New-CommandElement {
    param([object] $Command)
    $verb, $noun = $Command.Name -split '-', 2
    New-Element 'command:command' @(
        foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
            [System.Xml.Linq.XAttribute]::new([System.Xml.Linq.XNamespace]::Xmlns + $prefix, $script:Namespaces[$prefix])
        }
        New-Element 'command:details' @(
            New-Element 'command:name' $Command.Name
            New-Element 'command:verb' $verb
            New-Element 'command:noun' $noun
            New-Element 'maml:description' @(New-Paragraphs $Command.Synopsis)
        )
        New-Element 'maml:description' @(New-Paragraphs $Command.Description)
        New-Element 'command:syntax' @(foreach ($set in $Command.SyntaxSets) { New-SyntaxItem $Command $set })
        New-Element 'command:parameters' @(foreach ($parameter in $Command.Parameters) { New-ParameterElement $parameter $parameter.Metadata[0] })
        New-Element 'command:inputTypes' @(foreach ($entry in $Command.Inputs) { New-TypeElement 'inputType' $entry })
        New-Element 'command:returnValues' @(foreach ($entry in $Command.Outputs) { New-TypeElement 'returnValue' $entry })
        New-Element 'maml:alertSet' @(New-Element 'maml:alert' @(New-Paragraphs $Command.Notes))
        New-Element 'command:examples' @(foreach ($example in $Command.Examples) {
                New-Element 'command:example' @(
                    New-Element 'maml:title' (Format-ExampleTitle $example.Title)
                    New-Element 'dev:code' $example.Code
                    New-Element 'dev:remarks' @(New-Paragraphs $example.Remarks)
                )
            })
        New-Element 'command:relatedLinks' @(foreach ($link in $Command.Links) {
                New-Element 'maml:navigationLink' @((New-Element 'maml:linkText' $link.Text), (New-Element 'maml:uri' $link.Uri))
            })
    )
}

function Write-TextFile {
    param([string] $Path, [string] $Text)
    [System.IO.File]::WriteAllText($Path, $Text, [System.Text.UTF8Encoding]::new($false))
    Get-Item -LiteralPath $Path
}

function Write-MamlFile {
    param([string] $Path, [object[]] $Commands)
    $root = [System.Xml.Linq.XElement]::new([System.Xml.Linq.XName]::Get('helpItems', 'http://msh'),
        [object[]]@((New-Attribute 'schema' 'maml'), @($Commands | ForEach-Object { New-CommandElement $_ })))
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; IndentChars = '  '; NewLineChars = "`n"; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try { [System.Xml.Linq.XDocument]::new($root).Save($writer) }
    finally { $writer.Dispose() }
    Get-Item -LiteralPath $Path
}

function Split-AboutLine {
    <# Indents one line of an about topic; a line too long for the width PlatyPS uses (80 with the indent) is wrapped at spaces. #>
    param([string] $Line)
    $limit = $script:AboutWidth - $script:AboutIndent.Length
    $Line = $Line.TrimEnd()
    if ($Line.Length -le $limit) { return $script:AboutIndent + $Line }
    $current = ''
    foreach ($word in $Line.Trim() -split ' +') {
        if ($current -and ($current.Length + 1 + $word.Length) -gt $limit) {
            $script:AboutIndent + $current
            $current = $word
        }
        else { $current = if ($current) { "$current $word" } else { $word } }
    }
    if ($current) { $script:AboutIndent + $current }
}

function ConvertTo-AboutText {
    <# Renders an about page the way PlatyPS's text renderer does: TOPIC, the lookup name, level-1 headings in capitals, text indented by four. #>
    param([object] $Document)
    $nodes = $Document.Nodes
    $lookup = [System.IO.Path]::GetFileNameWithoutExtension($Document.Path)
    if ($nodes.Count -lt 2 -or $nodes[0].Kind -ne 'Heading' -or $nodes[0].Level -ne 1) {
        Stop-Schema $Document 1 '' "an about page starts with '# TopicName' and then '## $lookup'."
    }
    if ($nodes[1].Kind -ne 'Heading' -or $nodes[1].Level -ne 2 -or $nodes[1].Text -ne $lookup) {
        Stop-Schema $Document $nodes[1].Line '' "the second heading must be '## $lookup', the name Get-Help looks the topic up by."
    }
    foreach ($title in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if (-not ($nodes | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 1 -and $_.Text -eq $title })) {
            Stop-Schema $Document 1 "# $title" "the about page has no '# $title' section."
        }
    }

    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add($script:AboutIndent + $lookup.ToLowerInvariant())
    $out.Add('')
    foreach ($node in ($nodes | Select-Object -Skip 2)) {
        switch ($node.Kind) {
            'Heading' {
                $out.Add($(switch ($node.Level) {
                            1 { $node.Text.ToUpperInvariant() }
                            2 { $node.Text }
                            default { $script:AboutIndent + $node.Text.ToUpperInvariant() }
                        }))
            }
            'Para' {
                foreach ($line in $node.Lines) { $out.AddRange([string[]]@(Split-AboutLine (ConvertFrom-InlineMarkdown $line))) }
                $out.Add('')
            }
            'Code' {
                foreach ($line in $node.Lines) { $out.Add(($script:AboutIndent + $line).TrimEnd()) }
                $out.Add('')
            }
        }
    }
    ($out -join "`n").TrimEnd() + "`n"
}

if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) {
    throw "DocsPath '$DocsPath' is not a folder; pass the folder that holds the cmdlet pages (docs/en-US)."
}
$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File | Sort-Object Name)
$commandPages = @($pages | Where-Object { $_.BaseName -notlike 'about_*' -and $_.BaseName -like '*-*' })
$aboutPages = @($pages | Where-Object BaseName -Like 'about_*')
if (-not $commandPages) { throw "No cmdlet page (Verb-Noun.md) found in '$DocsPath'." }

$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$documents = @($commandPages | ForEach-Object { Read-MarkdownDocument $_.FullName })
foreach ($group in ($documents | Group-Object { $_.FrontMatter['external help file'] })) {
    $commands = @($group.Group | ForEach-Object { Read-CommandPage $_ })
    Write-MamlFile (Join-Path $OutputDirectory $group.Name) $commands
}
foreach ($page in $aboutPages) {
    Write-TextFile (Join-Path $OutputDirectory "$($page.BaseName).help.txt") (ConvertTo-AboutText (Read-MarkdownDocument $page.FullName))
}
