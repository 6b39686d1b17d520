// The framework namespaces used throughout this project are XenPS.Core's (its GlobalUsings.cs, linked in XenPS.csproj); PowerShell's
// is this project's own.
global using System.Management.Automation;
// The namespaces of XenPS.Core that the cmdlets' parameters, objects and errors come from, and the project's argument completers. The
// layering test reads XenPS.Core's files only; the other XenPS.Core namespaces are imported by the few files that use them.
global using XenPS.Completers;
global using XenPS.Core.Model;
global using XenPS.Core.Remote;
global using XenPS.Core.Sessions;
