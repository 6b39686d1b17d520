using System;
using System.Linq;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class XenErrorIdTests
    {
        [Fact]
        public void EveryIdIsDeclaredOnceAndNamedAfterItsField()
        {
            var fields = typeof(XenSessionErrorId).GetFields().Where(f => f.FieldType == typeof(XenErrorId)).ToList();

            Assert.Equal(fields.Count, XenErrorId.All.Count);
            Assert.All(fields, f => Assert.Equal(f.Name, ((XenErrorId)f.GetValue(null)!).Name));
            Assert.Equal(XenErrorId.All.Count, XenErrorId.All.Select(id => id.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }

        [Fact]
        public void EveryIdHasADeclaredCategory()
        {
            Assert.All(XenErrorId.All, id => Assert.True(Enum.IsDefined(typeof(XenErrorKind), id.Kind), id.Name));
        }

        [Theory]
        [InlineData("HostKeyChanged", XenErrorKind.SecurityError)]
        [InlineData("AuthenticationFailed", XenErrorKind.AuthenticationError)]
        [InlineData("HostNotFound", XenErrorKind.ObjectNotFound)]
        [InlineData("DomainNotFound", XenErrorKind.ObjectNotFound)]
        [InlineData("ConnectTimeout", XenErrorKind.OperationTimeout)]
        [InlineData("MigrationInProgress", XenErrorKind.ResourceBusy)]
        [InlineData("RemoteFileWriteFailed", XenErrorKind.WriteError)]
        [InlineData("XendNotInstalled", XenErrorKind.NotInstalled)]
        [InlineData("UnreadableData", XenErrorKind.InvalidData)]
        [InlineData("ToolstackCommandFailed", XenErrorKind.InvalidResult)]
        public void CategoriesArePinned(string name, XenErrorKind kind)
        {
            Assert.Equal(kind, XenErrorId.Parse(name).Kind);
        }

        [Fact]
        public void ParseFindsTheEntryAndRefusesAnUnknownName()
        {
            Assert.Same(XenSessionErrorId.RemoteFileLocked, XenErrorId.Parse("RemoteFileLocked"));
            Assert.Equal("RemoteFileLocked", XenSessionErrorId.RemoteFileLocked.ToString());
            Assert.Throws<ArgumentException>(() => XenErrorId.Parse("remotefilelocked"));
            Assert.Throws<ArgumentException>(() => XenErrorId.Parse("NoSuchError"));
        }

        [Fact]
        public void AnExceptionCarriesItsEntry()
        {
            var e = new XenSessionException(XenSessionErrorId.SessionClosed, "closed");

            Assert.Same(XenSessionErrorId.SessionClosed, e.ErrorId);
            Assert.Equal(XenErrorKind.ResourceUnavailable, e.ErrorId.Kind);
        }
    }
}
