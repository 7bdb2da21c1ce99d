using System.Security.Claims;
using System.Text.Encodings.Web;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowMachine.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer KEY</c>: the key's SHA-256 hash is looked up in the user store. Challenges
/// and refusals are answered as ProblemDetails like every other error.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IUserStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse("the Authorization header must be 'Bearer KEY'");
        }

        var user = await UserAccounts.AuthenticateAsync(users, header[BearerPrefix.Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (user is null)
        {
            return Refuse("the API key is not valid");
        }

        List<Claim> claims = [new(ClaimTypes.Name, user.Name)];
        if (user.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ApiKeyDefaults.AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    private AuthenticateResult Refuse(string reason)
    {
        LogMessages.KeyRejected(Logger, reason);
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = result.Failure?.Message ?? "this route needs an API key: send 'Authorization: Bearer KEY'";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        TypedResults.Problem("this route is for administrators only", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);
}
