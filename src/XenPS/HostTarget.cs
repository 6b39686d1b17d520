namespace XenPS
{
    /// <summary>One host a cmdlet works on, with what was asked of it; pipeline input for the same host is merged.</summary>
    internal sealed class HostTarget
    {
        private HostTarget(string computerName, XenSession? session)
        {
            ComputerName = computerName;
            Session = session;
        }

        public string ComputerName { get; }

        /// <summary>The session given with -Session; null when the host was named with -ComputerName.</summary>
        public XenSession? Session { get; }

        public List<string> Names { get; } = new List<string>();

        /// <summary>Adds <paramref name="names"/> to the target for that host, creating it when new.</summary>
        public static void Add(List<HostTarget> targets, string computerName, XenSession? session, IEnumerable<string> names)
        {
            var target = targets.Find(t => ReferenceEquals(t.Session, session)
                && string.Equals(t.ComputerName, computerName, StringComparison.OrdinalIgnoreCase));
            if (target is null)
            {
                target = new HostTarget(computerName, session);
                targets.Add(target);
            }
            foreach (var name in names)
            {
                if (!target.Names.Contains(name)) target.Names.Add(name);
            }
        }
    }
}
