using XenPS.Core.Model;

namespace XenPS.Core.Parsing
{
    /// <summary>Turns the six state characters of xm and xl into one <see cref="XenDomainState"/>.</summary>
    internal static class DomainStates
    {
        /// <summary>
        /// Reads the flags by position, which is the same for both toolstacks: 0 <c>r</c> running, 1 <c>b</c> blocked,
        /// 2 <c>p</c> paused, 3 <c>s</c> shutdown, 4 <c>c</c> crashed (xl prints a shutdown-reason letter there, and its
        /// crash reason is also <c>c</c>; its suspend reason <c>s</c> after a shutdown makes the domain suspended; its other
        /// reason letters such as <c>r</c> for reboot mean nothing here), 5 <c>d</c> dying.
        /// A migration name wins over the flags. Otherwise, when several flags are set, the one that says most about
        /// what can be done with the domain wins: dying, crashed, suspended, shutdown, paused, running, blocked; flags without
        /// any flag set (<c>------</c>) are NoState, and no flags at all (the toolstack printed no state) are Unknown.
        /// </summary>
        public static XenDomainState From(string name, string flags)
        {
            if (XenDomain.GuestNameOf(name) != name) return XenDomainState.Migrating;
            if (flags.Length == 0) return XenDomainState.Unknown;
            if (Has(flags, 5, 'd')) return XenDomainState.Dying;
            if (Has(flags, 4, 'c')) return XenDomainState.Crashed;
            if (Has(flags, 3, 's') && Has(flags, 4, 's')) return XenDomainState.Suspended;
            if (Has(flags, 3, 's')) return XenDomainState.Shutdown;
            if (Has(flags, 2, 'p')) return XenDomainState.Paused;
            if (Has(flags, 0, 'r')) return XenDomainState.Running;
            if (Has(flags, 1, 'b')) return XenDomainState.Blocked;
            return XenDomainState.NoState;
        }

        private static bool Has(string flags, int position, char flag) => position < flags.Length && flags[position] == flag;
    }
}
