<#
.SYNOPSIS
    Run by Module.Tests.ps1 in a PowerShell of its own: loads an assembly named Renci.SshNet of another version
    first, as another module would, then imports XenPS and uses it against a lab host.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SshConfigPath,
    [Parameter(Mandatory)][string] $WorkDirectory
)
$ErrorActionPreference = 'Stop'
$impostor = Join-Path $WorkDirectory 'Renci.SshNet.dll'
# Compiled with the Roslyn that PowerShell carries for Add-Type (whose assemblies get random names).
Add-Type -TypeDefinition 'public static class RoslynLoaded {}'
$source = @'
[assembly: System.Reflection.AssemblyVersion("1.0.0.0")]
namespace Renci.SshNet { public sealed class SshClient { public string Owner => "another module"; } }
'@
$tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)
$references = [Microsoft.CodeAnalysis.MetadataReference[]]@(
    [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)
    [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile((Join-Path (Split-Path ([object].Assembly.Location)) 'System.Runtime.dll'))
)
$options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
$compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('Renci.SshNet', [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $references, $options)
$stream = [System.IO.File]::Create($impostor)
try { $emitted = $compilation.Emit($stream) } finally { $stream.Dispose() }
if (-not $emitted.Success) { throw "Could not compile the stand-in Renci.SshNet: $($emitted.Diagnostics -join '; ')" }
[System.Reflection.Assembly]::LoadFrom($impostor) | Out-Null

Import-Module $ModulePath
$session = New-XenSession -ComputerName xm-host -SshConfigPath $SshConfigPath
$domains = Get-XenDomain -Session $session
[pscustomobject]@{
    Toolstack = "$($session.Toolstack)"
    Domains   = @($domains.Name)
    Loaded    = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Renci.SshNet' } | ForEach-Object {
        [pscustomobject]@{
            Version = $_.GetName().Version.ToString()
            Default = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default
        }
    })
} | ConvertTo-Json -Depth 4 -Compress
