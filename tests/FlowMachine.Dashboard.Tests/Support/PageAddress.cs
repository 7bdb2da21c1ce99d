using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests.Support;

/// <summary>
/// Waits for a page's address by asking the browser until it matches. <c>WaitForURLAsync</c> checks the address and then
/// subscribes to the load event, and can miss an event delivered in between (it then waits its whole timeout); an
/// assertion polls, so it has no event to lose.
/// </summary>
internal static class PageAddress
{
    private const float NavigationTimeout = 45_000;

    public static Task ExpectAsync(IPage page, string url) =>
        Assertions.Expect(page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = NavigationTimeout });

    public static Task ExpectAsync(IPage page, Regex url) =>
        Assertions.Expect(page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = NavigationTimeout });
}
