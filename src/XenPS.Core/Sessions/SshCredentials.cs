using Renci.SshNet;
using Renci.SshNet.Common;
using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>The authentication methods offered for one connection, loaded once and reused when reconnecting.</summary>
    internal sealed class SshCredentials : IDisposable
    {
        private readonly List<IDisposable> owned;

        private SshCredentials(AuthenticationMethod[] methods, string description, List<IDisposable> owned)
        {
            Methods = methods;
            Description = description;
            this.owned = owned;
        }

        public AuthenticationMethod[] Methods { get; }

        /// <summary>What is offered, for error messages: method names and key file paths, never a secret.</summary>
        public string Description { get; }

        /// <summary>
        /// Loads the key files and sets up password authentication. A key file asked for by name that is missing, unreadable or
        /// encrypted without the right passphrase is an error; other key files with such a problem are skipped, unless nothing is left to offer.
        /// </summary>
        public static SshCredentials Load(ConnectionTarget target)
        {
            var owned = new List<IDisposable>();
            var methods = new List<AuthenticationMethod>();
            var described = new List<string>();
            XenSessionException? skipped = null;
            try
            {
                var keys = new List<(string Path, PrivateKeyFile Key)>();
                foreach (var choice in target.KeyFiles)
                {
                    var key = LoadKey(choice, target, ref skipped);
                    if (key is null) continue;
                    owned.Add(key);
                    keys.Add((choice.Path, key));
                }
                if (keys.Count > 0)
                {
                    methods.Add(new PrivateKeyAuthenticationMethod(target.UserName, keys.Select(k => (IPrivateKeySource)k.Key).ToArray()));
                    described.Add($"publickey with {string.Join(", ", keys.Select(k => k.Path))}");
                }
                if (target.Password is { } password)
                {
                    methods.Add(new PasswordAuthenticationMethod(target.UserName, password));
                    methods.Add(KeyboardInteractive(target.UserName, password));
                    described.Add("password");
                    described.Add("keyboard-interactive with the password");
                }
                owned.AddRange(methods);
                if (methods.Count == 0)
                {
                    throw skipped ?? new XenSessionException(XenSessionErrorId.NoCredentials,
                        $"There is nothing to log in to {target.UserName}@{target.HostName} with: none of the key files ({target.KeyFilesFrom}: " +
                        $"{string.Join(", ", target.KeyFiles.Select(k => k.Path))}) exists and no password was given. Give a key file with -KeyFilePath or " +
                        "IdentityFile in the ssh config, or a password with -Credential (offered to the session's own host, not to its jump hosts).");
                }
                return new SshCredentials(methods.ToArray(), string.Join("; ", described), owned);
            }
            catch
            {
                owned.ForEach(o => o.Dispose());
                throw;
            }
        }

        public void Dispose() => owned.ForEach(o => o.Dispose());

        private static PrivateKeyFile? LoadKey(KeyFileChoice choice, ConnectionTarget target, ref XenSessionException? skipped)
        {
            if (!File.Exists(choice.Path))
            {
                if (!choice.Required) return null;
                throw new XenSessionException(XenSessionErrorId.KeyFileNotFound,
                    $"The key file {choice.Path} does not exist. Check the path given with -KeyFilePath.");
            }
            XenSessionException problem;
            try
            {
                return new PrivateKeyFile(choice.Path, target.KeyPassphrase);
            }
            catch (SshPassPhraseNullOrEmptyException e)
            {
                problem = new XenSessionException(XenSessionErrorId.KeyPassphraseRequired,
                    $"The key file {choice.Path} is encrypted: give its passphrase with -Credential.", e);
            }
            catch (Exception e) when (target.KeyPassphrase != null && IsEncrypted(choice.Path))
            {
                problem = new XenSessionException(XenSessionErrorId.KeyPassphraseRequired,
                    $"The key file {choice.Path} is encrypted and the passphrase given does not open it: give its passphrase with -Credential.", e);
            }
            catch (Exception e)
            {
                problem = new XenSessionException(XenSessionErrorId.KeyFileInvalid,
                    $"The key file {choice.Path} cannot be read as a private key ({e.Message}). Give a private key file in OpenSSH, PEM or PuTTY format (not the .pub file).", e);
            }
            if (choice.Required) throw problem;
            skipped ??= problem;
            return null;
        }

        private static bool IsEncrypted(string path)
        {
            try
            {
                new PrivateKeyFile(path).Dispose();
                return false;
            }
            catch (SshPassPhraseNullOrEmptyException)
            {
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>Answers the server's hidden prompts (PAM's "Password:") with the password; visible prompts get an empty answer.</summary>
        private static KeyboardInteractiveAuthenticationMethod KeyboardInteractive(string userName, string password)
        {
            var method = new KeyboardInteractiveAuthenticationMethod(userName);
            method.AuthenticationPrompt += (sender, e) =>
            {
                foreach (var prompt in e.Prompts) prompt.Response = prompt.IsEchoed ? "" : password;
            };
            return method;
        }
    }
}
