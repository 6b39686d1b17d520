<#
.SYNOPSIS
    Runs the examples of one help page in a process of its own, as a user would type them, and prints, as JSON, what
    each command line showed.
.DESCRIPTION
    A process per page gives each page what a user who opens PowerShell has: an empty session registry, session Ids
    from 1, and HOME (so ~/.ssh/config, known_hosts and the migration journal) in a folder the test prepared.

    The commands run in one runspace whose host (HelpExampleHost) records what a console would show, in the order it
    comes: the output of each command (Out-String -Width 120), 'What if:' lines, 'VERBOSE: ' lines, and a confirmation
    prompt as the console draws it, answered with the answer the page shows after it ('... (default is "Y"): A'),
    the next answer of the command's expected output for each prompt. A prompt the page shows no answer for fails
    the command. Errors and warnings are merged into the output and rendered with it, as the console shows them in the
    same place (a warning as 'WARNING: MESSAGE', an error as 'COMMAND: MESSAGE', the console's concise view).
    Each command line is dot-sourced in the runspace's global scope, so its variables are there for the next.

    An example may come with Setup, PowerShell run in this process (not in the runspace of the examples) before the
    example, with $Lab (the lab's lab.json, with TestLab.psm1 imported) and $UserHome: what the page assumes of the
    site at that point, such as a lab host's state.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $ExamplesPath,
    [Parameter(Mandatory)][string] $WorkingDirectory,
    [Parameter(Mandatory)][string] $ResultPath,
    [Parameter(Mandatory)][string] $LabPath
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1')
$Lab = Get-Content -Raw $LabPath | ConvertFrom-Json
$UserHome = $WorkingDirectory

Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Text;

public sealed class HelpExampleHost : PSHost
{
    private readonly HelpExampleUI ui = new HelpExampleUI();
    private readonly Guid id = Guid.NewGuid();
    public HelpExampleUI Console => ui;
    public override string Name => "HelpExampleHost";
    public override Version Version => new Version(1, 0);
    public override Guid InstanceId => id;
    public override PSHostUserInterface UI => ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException("A help example cannot enter a nested prompt.");
    public override void ExitNestedPrompt() { }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

public sealed class HelpExampleUI : PSHostUserInterface
{
    private readonly StringBuilder text = new StringBuilder();
    public Queue<string> Answers { get; } = new Queue<string>();

    public string Take() { var shown = text.ToString(); text.Clear(); return shown; }

    public override PSHostRawUserInterface RawUI { get; } = new HelpExampleRawUI();
    public override void Write(string value) => text.Append(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => text.Append(value);
    public override void WriteLine(string value) => text.Append(value).Append('\n');
    public override void WriteErrorLine(string value) => WriteLine(value);
    public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);
    // The console's progress bar is gone once the command ends; it is not part of what the page shows.
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    // As the console draws it: a blank line, the caption, the message, the choices with their hot keys, the default,
    // then what the user typed.
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (!string.IsNullOrEmpty(caption)) { WriteLine(""); WriteLine(caption); }
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        var keys = choices.Select(HotKey).ToList();
        foreach (var choice in choices) Write("[" + HotKey(choice) + "] " + choice.Label.Replace("&", "") + "  ");
        Write("[?] Help");
        if (defaultChoice >= 0) Write(" (default is \"" + keys[defaultChoice] + "\")");
        Write(": ");
        if (Answers.Count == 0) throw new PSInvalidOperationException("The page shows no answer to this prompt: " + message);
        var answer = Answers.Dequeue();
        WriteLine(answer);
        var index = keys.FindIndex(key => string.Equals(key, answer, StringComparison.OrdinalIgnoreCase));
        if (index < 0) throw new PSInvalidOperationException("The page answers '" + answer + "', which is none of the choices.");
        return index;
    }

    private static string HotKey(ChoiceDescription choice)
    {
        var at = choice.Label.IndexOf('&');
        return at >= 0 && at + 1 < choice.Label.Length ? choice.Label.Substring(at + 1, 1).ToUpperInvariant() : choice.Label.Substring(0, 1);
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw new PSInvalidOperationException("A help example cannot prompt for " + string.Join(", ", descriptions.Select(d => d.Name)) + ".");
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new PSInvalidOperationException("A help example cannot prompt for the password of " + userName + ".");
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        PromptForCredential(caption, message, userName, targetName);
    public override string ReadLine() => throw new PSInvalidOperationException("A help example cannot read a line typed by a user.");
    public override System.Security.SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("A help example cannot read a line typed by a user.");
}

// A console window 120 columns wide, the width the output is rendered at, for the views that size themselves by it.
public sealed class HelpExampleRawUI : PSHostRawUserInterface
{
    private static readonly Size Window = new Size(120, 50);
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Coordinates CursorPosition { get; set; }
    public override Coordinates WindowPosition { get; set; }
    public override int CursorSize { get; set; }
    public override Size BufferSize { get => Window; set { } }
    public override Size WindowSize { get => Window; set { } }
    public override Size MaxWindowSize => Window;
    public override Size MaxPhysicalWindowSize => Window;
    public override bool KeyAvailable => false;
    public override string WindowTitle { get; set; } = "";
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new PSInvalidOperationException("A help example cannot read a key typed by a user.");
    public override void FlushInputBuffer() { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
}
'@

$helpHost = [HelpExampleHost]::new()
$runspace = [runspacefactory]::CreateRunspace($helpHost)
$runspace.Open()

function Invoke-InRunspace([string] $Script, [object[]] $Arguments = @()) {
    # useLocalScope $false: the script runs in the runspace's global scope, as a command typed at the prompt does.
    $shell = [powershell]::Create()
    $shell.Runspace = $runspace
    $shell.AddScript($Script, $false) | Out-Null
    foreach ($argument in $Arguments) { $shell.AddArgument($argument) | Out-Null }
    try { $shell.Invoke() } finally { $shell.Dispose() }
}

Invoke-InRunspace 'param($module, $folder) Import-Module $module; Set-Location $folder' $ModulePath, $WorkingDirectory | Out-Null

# Runs one command line; shows its output and the records merged into it on the host, and returns the messages of
# its errors.
$commandScript = @'
param($HelpExampleCommandText)
$HelpExampleCommandErrors = [System.Collections.Generic.List[string]]::new()
try {
    . ([scriptblock]::Create($HelpExampleCommandText)) 2>&1 3>&1 | ForEach-Object {
        # The console's own lines for the two records (a warning, and an error in its concise view).
        if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING: $($_.Message)" }
        elseif ($_ -is [System.Management.Automation.ErrorRecord]) {
            $HelpExampleCommandErrors.Add($_.Exception.Message)
            "$($_.InvocationInfo.MyCommand.Name): $($_.Exception.Message)"
        } else { $_ }
    } | Out-String -Stream -Width 120 | ForEach-Object { $Host.UI.WriteLine($_) }
} catch {
    $HelpExampleCommandErrors.Add($_.Exception.Message)
    $Host.UI.WriteLine("$($_.InvocationInfo.MyCommand.Name): $($_.Exception.Message)")
}
$HelpExampleCommandErrors
'@

$results = foreach ($example in (Get-Content -Raw $ExamplesPath | ConvertFrom-Json)) {
    if ($example.Setup) { . ([scriptblock]::Create($example.Setup)) | Out-Null }
    foreach ($command in $example.Commands) {
        $helpHost.Console.Answers.Clear()
        foreach ($match in [regex]::Matches($command.Expected, '(?m)\[\?\] Help \(default is "\w"\): (\S+)$')) {
            $helpHost.Console.Answers.Enqueue($match.Groups[1].Value)
        }
        $errors = @(Invoke-InRunspace $commandScript $command.Command)
        [pscustomobject]@{ Example = $example.Title; Command = $command.Command; Output = $helpHost.Console.Take(); Errors = @($errors | ForEach-Object { "$_" }) }
    }
}
$runspace.Dispose()
ConvertTo-Json -InputObject @($results) -Depth 4 | Set-Content -LiteralPath $ResultPath
