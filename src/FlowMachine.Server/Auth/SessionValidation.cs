using FlowMachine.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Auth;

/// <summary>
/// A dashboard session lasts only as long as what it was opened with: it ends when its user is removed, and when the
/// key it signed in with is rotated or revoked (the session remembers that key's display prefix, never the key).
/// </summary>
internal static class SessionValidation
{
    /// <summary>The claim holding the display prefix of the key a session signed in with.</summary>
    public const string KeyPrefixClaim = "flowmachine:key_prefix";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var users = context.HttpContext.RequestServices.GetRequiredService<IUserStore>();
        var cancellationToken = context.HttpContext.RequestAborted;
        if (name is null || await users.GetUserAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            context.RejectPrincipal();
            return;
        }

        // Sessions opened before sessions remembered their key carry no prefix: they keep the old rule.
        var prefix = context.Principal!.FindFirst(KeyPrefixClaim)?.Value;
        if (prefix is not null)
        {
            var keys = await users.ListApiKeysAsync(cancellationToken).ConfigureAwait(false);
            if (!keys.Any(k => k.UserName == name && k.Prefix == prefix))
            {
                context.RejectPrincipal();
            }
        }
    }
}
