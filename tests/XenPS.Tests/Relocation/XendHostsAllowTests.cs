using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using XenPS.Core.Relocation;
using XenPS.Core.Text;
using Xunit;

namespace XenPS.Tests.Relocation
{
    public class XendHostsAllowTests
    {
        [Theory]
        [InlineData("", new string[0])]
        [InlineData("^localhost$ ^localhost\\.localdomain$", new[] { "^localhost$", "^localhost\\.localdomain$" })]
        [InlineData("^a$  ^b$ ", new[] { "^a$", "", "^b$", "" })]
        [InlineData(" ", new[] { "", "" })]
        public void SplitsOnSingleSpacesAsXendDoes(string value, string[] expected)
        {
            Assert.Equal(expected, XendHostsAllow.Split(value));
        }

        [Theory]
        // The Debian user file: a whole /24 by address.
        [InlineData(@"^192\.0\.100\.[0-9]+$", "192.0.100.7", null, true)]
        [InlineData(@"^192\.0\.100\.[0-9]+$", "192.0.100.7", "dom0-b.lab", true)]
        [InlineData(@"^192\.0\.100\.[0-9]+$", "192.0.101.7", "dom0-b.lab", false)]
        [InlineData(@"^192\.0\.100\.[0-9]+$", "10.192.0.100", null, false)]
        // The upstream default: only the host itself, by name.
        [InlineData(@"^localhost$ ^localhost\.localdomain$", "127.0.0.1", "localhost", true)]
        [InlineData(@"^localhost$ ^localhost\.localdomain$", "127.0.0.1", "localhost.localdomain", true)]
        [InlineData(@"^localhost$ ^localhost\.localdomain$", "192.0.2.1", "localhost.example.org", false)]
        // The upstream comment's example: a whole domain.
        [InlineData(@"^localhost$ ^.*\.example\.org$", "192.0.2.1", "dom0.example.org", true)]
        [InlineData(@"^localhost$ ^.*\.example\.org$", "192.0.2.1", "dom0.example.org.evil.net", false)]
        // Without $ the match is a prefix match.
        [InlineData(@"^dom0-b", "192.0.2.2", "dom0-b.lab", true)]
        [InlineData(@"^dom0-b", "192.0.2.2", "dom0-bad.example.net", true)]
        [InlineData(@"^192\.0\.2\.1", "192.0.2.17", null, true)]
        [InlineData(@"dom0-b\.lab", "192.0.2.2", "dom0-b.lab", true)]
        // re.match anchors at the start only: a pattern without ^ still cannot match in the middle.
        [InlineData(@"lab$", "192.0.2.2", "dom0-b.lab", false)]
        [InlineData(@".*lab$", "192.0.2.2", "dom0-b.lab", true)]
        // Python's \Z is the very end.
        [InlineData(@"^dom0-b\.lab\Z", "192.0.2.2", "dom0-b.lab", true)]
        // Everyone: an empty list, or an empty entry from a doubled space.
        [InlineData("", "203.0.113.9", "anything.example.net", true)]
        [InlineData("^a$  ^b$", "203.0.113.9", "anything.example.net", true)]
        public void AdmitsAPeerWhenAPatternMatchesTheStartOfItsNameOrAddress(string hostsAllow, string address, string? fqdn, bool allowed)
        {
            Assert.Equal(allowed, XendHostsAllow.IsAllowed(XendHostsAllow.Split(hostsAllow), address, fqdn));
        }

        [Theory]
        [InlineData("", "is empty")]
        [InlineData("^a$  ^b$", "empty entry")]
        [InlineData("^", "'^', which matches every host name")]
        [InlineData(".*", "'.*', which matches every host name")]
        [InlineData(@"^dom0-a$ ^.*$", "'^.*$', which matches every host name")]
        [InlineData(@"(?s)^", "'(?s)^', which matches every host name")]
        [InlineData(@"^[0-9]", "'^[0-9]', which matches every IPv4 address")]
        [InlineData(@"^\d+\.\d+\.\d+\.\d+$", @"'^\d+\.\d+\.\d+\.\d+$', which matches every IPv4 address")]
        [InlineData(@"^.+\..+", @"'^.+\..+', which matches every IPv4 address")]
        public void SaysWhyAListAdmitsEveryHost(string hostsAllow, string reason)
        {
            Assert.Contains(reason, XendHostsAllow.AdmitsEveryone(XendHostsAllow.Split(hostsAllow)));
        }

        [Theory]
        [InlineData(@"^dom0-a$")]
        [InlineData(@"^localhost$ ^localhost\.localdomain$")]
        [InlineData(@"^192\.0\.100\.[0-9]+$")]
        [InlineData("^dom0-")]
        [InlineData("^[a-z]")]
        [InlineData("^1")]
        [InlineData(@".*\.example\.org$")]
        [InlineData("^dom0[")]
        public void AListOfSomeHostsDoesNotAdmitEveryone(string hostsAllow)
        {
            Assert.Null(XendHostsAllow.AdmitsEveryone(XendHostsAllow.Split(hostsAllow)));
        }

        [Fact]
        public void WhatIsTakenToAdmitEveryoneDoesSoInPython()
        {
            var names = new[] { "a", "Z", "0", "-", ".", "_", "dom0-a.example.org", "x" };
            var addresses = new[] { "0.0.0.0", "8.8.4.4", "192.0.2.1", "255.255.255.255" };
            var byName = new[] { "^", ".*", "(?s)^", "^.*$" };
            var byAddress = new[] { "^[0-9]", @"^\d+\.\d+\.\d+\.\d+$", @"^.+\..+" };

            Assert.All(PythonMatches(byName, names.Concat(addresses).ToArray()), row => Assert.True(row.Matches, $"re.match({row.Pattern}, {row.Input})"));
            Assert.All(PythonMatches(byAddress, addresses), row => Assert.True(row.Matches, $"re.match({row.Pattern}, {row.Input})"));
        }

        [Fact]
        public void OneEntryThatDoesNotCompileFailsTheWholeList()
        {
            var e = Assert.Throws<ArgumentException>(() => XendHostsAllow.IsAllowed(new[] { "^a", "^b[" }, "192.0.2.1", "a"));

            Assert.Contains("'^b['", e.Message);
        }

        [Fact]
        public void AgreesWithPythonsReMatch()
        {
            var patterns = new[]
            {
                @"^192\.0\.100\.[0-9]+$", "^localhost$", @"^localhost\.localdomain$", @"^.*\.example\.org$", "^dom0-b", "dom0",
                @"^192\.0\.2\.1", @"^dom0-[ab]\.lab\Z", @"(?i)^DOM0-A\.LAB$", @"^(dom0-a|dom0-b)\.lab$", @"^\d+\.\d+\.\d+\.\d+$",
                @"^[^.]+\.lab$", @"^dom0-a(?!\.evil)", @"^\w+-\w\.lab$", @"^10\.0\.0\.\d{1,2}$", "", "^$", ".*", @"^a\b",
            };
            var inputs = new[] { "192.0.100.7", "192.0.100.77x", "127.0.0.1", "localhost", "localhost.localdomain", "dom0-a.lab", "dom0-b.lab", "dom0-bad.example.org", "dom0-a.evil.net", "10.0.0.99", "10.0.0.100", "" };

            var python = PythonMatches(patterns, inputs).ToList();

            Assert.Equal(patterns.Length * inputs.Length, python.Count);
            Assert.Contains(python, row => row.Matches);
            Assert.Contains(python, row => !row.Matches);

            foreach (var (pattern, input, matches) in python)
            {
                Assert.True(matches == XendHostsAllow.IsAllowed(new[] { pattern }, input, input), $"re.match({pattern!}, {input}) is {matches} in Python");
            }
        }

        [Theory]
        [InlineData("dom0-a.lab", @"^dom0-a\.lab$")]
        [InlineData("dom0-a", "^dom0-a$")]
        [InlineData("Dom0-A.Lab", @"^Dom0-A\.Lab$")]
        [InlineData("192.0.2.7", @"^192\.0\.2\.7$")]
        [InlineData("0.0.0.0", @"^0\.0\.0\.0$")]
        [InlineData("2001:DB8:0:0::1", "^2001:db8::1$")]
        [InlineData(@"^192\.0\.100\.[0-9]+$", @"^192\.0\.100\.[0-9]+$")]
        [InlineData("^dom0-", "^dom0-")]
        [InlineData(@".*\.example\.org$", @".*\.example\.org$")]
        public void TurnsNamesAndAddressesIntoAnchoredPatternsAndKeepsPatterns(string input, string entry)
        {
            Assert.Equal(entry, HostsAllowEntry.FromUserInput(input));
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("dom0 a", "whitespace")]
        [InlineData("dom0\ta", "whitespace")]
        [InlineData("'dom0'", "quote")]
        [InlineData("\"dom0\"", "quote")]
        [InlineData("dom0_a.lab", "label")]
        [InlineData("-dom0.lab", "label")]
        [InlineData("dom0..lab", "label")]
        [InlineData("dom0.lab.", "label")]
        [InlineData("192.0.2.300", "IPv4")]
        [InlineData("192.0.2", "IPv4")]
        [InlineData("192.0.2.07", "IPv4")]
        [InlineData("fe80::1%eth0", "label")]
        [InlineData("^dom0[", "not a valid regular expression")]
        [InlineData(@"^dom0\.lab\z", @"the escape \z")]
        [InlineData(@"^\p{L}+$", @"the escape \p")]
        [InlineData(@"^(?<name>dom0)$", "the group (?<")]
        [InlineData(@"^(?P<name>dom0)$", "the group (?P")]
        [InlineData(@"^(?i:dom0)$", "the group (?i")]
        [InlineData(@"^a(?i)b$", "the group (?i")]
        [InlineData("^a{,3}$", "{,n}")]
        [InlineData("^[a-z-[aeiou]]+$", "subtraction")]
        [InlineData("^a*+$", "not a valid regular expression")]
        public void RefusesWhatXendCannotUseAndSaysWhatIsAllowed(string input, string problem)
        {
            var e = Assert.Throws<ArgumentException>(() => HostsAllowEntry.FromUserInput(input));

            Assert.Contains(problem, e.Message);
            Assert.Contains("host name", e.Message);
            Assert.Contains("regular expression that starts with ^", e.Message);
        }

        [Theory]
        [InlineData(@"^dom0-a\.lab$", "dom0-a.lab", true)]
        [InlineData(@"^dom0-a\.lab$", @"^dom0-a\.lab$", true)]
        [InlineData(@"^192\.0\.2\.7$", "192.0.2.7", true)]
        [InlineData(@"^dom0-a\.lab$", "dom0-a", false)]
        [InlineData(@"^dom0-a\.lab", "dom0-a.lab", false)]
        [InlineData("^has space$", "^has space$", true)]
        public void MatchesAnEntryByItsPatternOrByTheNameItWasMadeFrom(string entry, string input, bool expected)
        {
            Assert.Equal(expected, HostsAllowEntry.Matches(entry, input));
        }

        /// <summary>Asks python3 whether <c>re.match(pattern, input)</c> succeeds, for every pair.</summary>
        private static IEnumerable<(string Pattern, string Input, bool Matches)> PythonMatches(string[] patterns, string[] inputs)
        {
            const string script = "import json, re, sys\n" +
                "d = json.load(sys.stdin)\n" +
                "print(json.dumps([[p, s, re.match(p, s) is not None] for p in d['p'] for s in d['s']]))\n";
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            using var process = Process.Start(start)!;
            process.StandardInput.Write(System.Text.Json.JsonSerializer.Serialize(new { p = patterns, s = inputs }));
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            using var json = System.Text.Json.JsonDocument.Parse(output);
            return json.RootElement.EnumerateArray()
                .Select(row => (row[0].GetString()!, row[1].GetString()!, row[2].GetBoolean()))
                .ToList();
        }
    }
}
