using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Toolstacks
{
    public class RemoteBatchTests
    {
        private static readonly RemoteRunOptions Options = new RemoteRunOptions { ReadOnly = true };

        [Fact]
        public async Task EachSectionKeepsItsOwnOutputErrorAndExitCode()
        {
            var sections = await new RemoteBatch()
                .Add("one", "printf 'a\\nb\\n'; echo oops >&2")
                .Add("two", "printf 'no newline'; exit_code() { return 3; }; exit_code")
                .Add("three", "true")
                .RunAsync(new LocalShell(), Options, CancellationToken.None);

            Assert.Equal("a\nb\n", sections["one"].Stdout);
            Assert.Equal("oops\n", sections["one"].Stderr);
            Assert.Equal(0, sections["one"].ExitCode);
            Assert.Equal("no newline", sections["two"].Stdout);
            Assert.Equal(3, sections["two"].ExitCode);
            Assert.Equal("", sections["three"].Stdout);
            Assert.Equal("", sections["three"].Stderr);
        }

        [Fact]
        public async Task VariablesSetInOneSectionReachTheNext()
        {
            var sections = await new RemoteBatch()
                .Add("env", "GREETING=hello; export GREETING")
                .Add("use", "echo \"$GREETING\"")
                .RunAsync(new LocalShell(), Options, CancellationToken.None);

            Assert.Equal("hello\n", sections["use"].Stdout);
        }

        [Fact]
        public async Task OutputThatImitatesAMarkerCannotForgeAFrame()
        {
            var sections = await new RemoteBatch("@@xenps-fixed")
                .Add("one", "printf '\\n@@xenps-other:end:0:7\\n'")
                .RunAsync(new LocalShell(), Options, CancellationToken.None);

            Assert.Equal(0, sections["one"].ExitCode);
            Assert.Contains("@@xenps-other:end:0:7", sections["one"].Stdout);
        }

        [Fact]
        public async Task AScriptThatEndsEarlySaysWhichStepItDidNotFinish()
        {
            var batch = new RemoteBatch()
                .Add("first", "echo fine")
                .Add("second", "exit 9");

            var error = await Assert.ThrowsAsync<XenSessionException>(() => batch.RunAsync(new LocalShell(), Options, CancellationToken.None));

            Assert.Equal(XenSessionErrorId.RemoteScriptIncomplete, error.ErrorId);
            Assert.Contains("'second'", error.Message);
            Assert.Contains("exit code 9", error.Message);
        }
    }
}
