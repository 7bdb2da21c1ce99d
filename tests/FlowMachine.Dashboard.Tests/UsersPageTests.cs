using System.Net;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Storage;
using FlowMachine.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>The Users page: for administrators only; rotate shows the new key once, revoke stops every key, and sessions opened with a stopped key end.</summary>
[Collection(DashboardCollection.Name)]
public sealed class UsersPageTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task An_admin_rotates_a_key_seeing_it_once_and_revokes_another_users_keys()
    {
        var users = fixture.App.Services.GetRequiredService<IUserStore>();
        var erinKey = await UserAccounts.AddUserAsync(users, "erin-ui", isAdmin: false, DateTimeOffset.UtcNow);
        var frankKey = await UserAccounts.AddUserAsync(users, "frank-ui", isAdmin: false, DateTimeOffset.UtcNow);

        var erinSession = await fixture.SignInAsync(erinKey);
        var frankSession = await fixture.SignInAsync(frankKey);
        var admin = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        var erin = admin.Locator("tr[data-user='erin-ui']");
        await Assertions.Expect(erin).ToContainTextAsync(erinKey[..8] + "…");
        Assert.DoesNotContain(erinKey, await admin.ContentAsync(), StringComparison.Ordinal);

        // No revoke button on one's own row: it would lock the admin out.
        await Assertions.Expect(admin.Locator("tr[data-user='admin']").GetByRole(AriaRole.Button, new() { Name = "Revoke the keys of admin" })).ToHaveCountAsync(0);

        await erin.GetByRole(AriaRole.Button, new() { Name = "Rotate the key of erin-ui" }).ClickAsync();
        var shown = (await admin.GetByTestId("new-key").TextContentAsync())!.Trim();
        Assert.StartsWith("fm_", shown, StringComparison.Ordinal);
        Assert.NotEqual(erinKey, shown);
        Assert.DoesNotContain("fm_", admin.Url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api(erinKey).GetAsync("/api/v1/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api(shown).GetAsync("/api/v1/flows")).StatusCode);

        // The session erin opened with the old key ends with it.
        await erinSession.GotoAsync("/flows");
        Assert.Contains("/signin", erinSession.Url, StringComparison.Ordinal);

        // Shown once: the page opened again lists only its first characters.
        await admin.GotoAsync("/users");
        Assert.DoesNotContain(shown, await admin.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(admin.Locator("tr[data-user='erin-ui']")).ToContainTextAsync(shown[..8] + "…");

        await admin.Locator("tr[data-user='frank-ui']").GetByRole(AriaRole.Button, new() { Name = "Revoke the keys of frank-ui" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Revoked every key of frank-ui");
        await Assertions.Expect(admin.Locator("tr[data-user='frank-ui']")).ToContainTextAsync("none (revoked)");
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Api(frankKey).GetAsync("/api/v1/flows")).StatusCode);
        await frankSession.GotoAsync("/flows");
        Assert.Contains("/signin", frankSession.Url, StringComparison.Ordinal);

        // The admin's own session is untouched by rotating and revoking others.
        await admin.GotoAsync("/users");
        Assert.DoesNotContain("/signin", admin.Url, StringComparison.Ordinal);
        await admin.Context.CloseAsync();
        await erinSession.Context.CloseAsync();
        await frankSession.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Other_users_see_no_users_link_and_get_403_on_the_page_and_its_forms()
    {
        var alice = await fixture.SignInAsync(fixture.AliceKey);
        await Assertions.Expect(alice.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true })).ToHaveCountAsync(0);
        var page = await alice.GotoAsync("/users");
        Assert.Equal(403, page!.Status);
        await Assertions.Expect(alice.GetByRole(AriaRole.Alert)).ToContainTextAsync("Only administrators");

        // A forged post with alice's own session and token is refused too, and bob's key keeps working.
        var token = await alice.Locator("form input[type='hidden']").First.GetAttributeAsync("value");
        var fieldName = await alice.Locator("form input[type='hidden']").First.GetAttributeAsync("name");
        var posted = await alice.APIRequest.PostAsync("/users/bob/revoke", new() { Form = alice.APIRequest.CreateFormData().Set(fieldName!, token!) });
        Assert.Equal(403, posted.Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api(fixture.BobKey).GetAsync("/api/v1/flows")).StatusCode);
        await alice.Context.CloseAsync();
    }
}
