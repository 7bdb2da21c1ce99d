using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server.Dashboard.Forms;

/// <summary>
/// Reads a posted form only when its antiforgery token matches the caller's cookie, so another site
/// cannot post on a signed-in user's behalf. Validated by hand (not by form binding) so the refusal is a page.
/// </summary>
internal static class FormGuard
{
    public static async Task<IFormCollection?> ReadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }

        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return null;
        }

        return await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
    }

    public static string? Text(IFormCollection form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value.ToString()) ? value.ToString().Trim() : null;
}
