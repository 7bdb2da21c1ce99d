using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>Sign-in, ownership and CSRF: the dashboard applies the API's rules to pages and forms.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task Pages_need_a_signed_in_user_and_a_wrong_key_is_refused()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/flows");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("API key").FillAsync("fm_never-issued");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");

        // The session cookie is HTTP-only and SameSite=Strict.
        await page.GetByLabel("API key").FillAsync(fixture.AliceKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("user")).ToHaveTextAsync("alice");
        var session = (await context.CookiesAsync()).Single(c => c.Name == "flowmachine.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_user_cannot_see_or_act_on_another_users_flow()
    {
        using var aliceApi = fixture.Api(fixture.AliceKey);
        var started = await aliceApi.PostAsJsonAsync("/api/v1/flows", new { spec = "tasks: [test.One, test.Wait]", key = "alice-private" });
        started.EnsureSuccessStatusCode();
        var flowId = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        var bob = await fixture.SignInAsync(fixture.BobKey);
        await bob.GotoAsync("/flows");
        await Assertions.Expect(bob.Locator($"tr[data-flow-id='{flowId}']")).ToHaveCountAsync(0);
        await bob.GotoAsync("/flows?key=alice-private");
        await Assertions.Expect(bob.Locator("table.flows tbody")).ToContainTextAsync("No flows match");
        foreach (var path in new[] { $"/flows/{flowId}", $"/flows/{flowId}/details", $"/flows/{flowId}/live" })
        {
            var response = await bob.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
            Assert.Equal(404, response.Status);
        }

        // Bob posts each form with his own valid CSRF token: the flow is still not his.
        await bob.GotoAsync("/flows");
        var token = await bob.Locator("input[name='__csrf']").First.GetAttributeAsync("value");
        var forms = new Dictionary<string, Dictionary<string, string>>
        {
            ["push"] = new() { ["value"] = "1" },
            ["submit"] = new() { ["args"] = "{\"ok\": true}" },
            ["event"] = new() { ["name"] = "go" },
            ["cancel"] = new() { ["reason"] = "mine now" },
            ["reset"] = [],
            ["retry"] = [],
            ["position"] = new() { ["position"] = "1" },
        };
        foreach (var (action, fields) in forms)
        {
            var form = bob.Context.APIRequest.CreateFormData();
            form.Set("__csrf", token!);
            foreach (var (name, value) in fields)
            {
                form.Set(name, value);
            }

            var response = await bob.Context.APIRequest.PostAsync($"/flows/{flowId}/{action}", new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(404, response.Status);
        }

        // Alice sees it, still waiting and untouched.
        var alice = await fixture.SignInAsync(fixture.AliceKey);
        await alice.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(alice.Locator("svg.dag g.dag-node[data-key='test.Wait']")).ToHaveAttributeAsync("data-state", "WAITING", new() { Timeout = 30_000 });
        var history = await aliceApi.GetFromJsonAsync<JsonArray>($"/api/v1/flows/{flowId}/history");
        Assert.DoesNotContain(history!, e => ((string?)e!["kind"])!.StartsWith("flow.cancel", StringComparison.Ordinal) || (string?)e!["kind"] == "step.pushed");
        await bob.Context.CloseAsync();
        await alice.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_form_post_without_its_csrf_token_is_refused()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("name", "csrf-probe");
        form.Set("spec", "tasks: [test.One]");
        var missing = await page.Context.APIRequest.PostAsync("/routines", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, missing.Status);
        Assert.Contains("Form refused", await missing.TextAsync(), StringComparison.Ordinal);

        form.Set("__csrf", "CfDJ8-forged-token");
        var forged = await page.Context.APIRequest.PostAsync("/routines", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);

        var signOut = await page.Context.APIRequest.PostAsync("/signout", new() { Form = page.Context.APIRequest.CreateFormData(), MaxRedirects = 0 });
        Assert.Equal(400, signOut.Status);

        var routine = await page.GotoAsync("/routines/csrf-probe");
        Assert.Equal(404, routine!.Status);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_yaml_spec_with_an_error_shows_the_error_at_its_line()
    {
        var page = await fixture.SignInAsync(DashboardFixture.AdminKey);
        await page.GotoAsync("/routines");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("broken");
        await page.GetByLabel("Spec (JSON or YAML)").FillAsync("""
            label: broken
            tasks:
              - { key: a, task_type: test.One }
              - { key: b, task_type: test.Nope, precursors: [a] }
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save routine" }).ClickAsync();
        var line = page.Locator("ol.source li[data-line='4']");
        await Assertions.Expect(line).ToHaveClassAsync("has-error");
        await Assertions.Expect(line.Locator(".line-error")).ToContainTextAsync("test.Nope");
        await Assertions.Expect(page.Locator("ol.source li.has-error")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByLabel("Spec (JSON or YAML)")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("test.Nope"));
        Assert.Equal(404, (await page.GotoAsync("/routines/broken"))!.Status);
        await page.Context.CloseAsync();
    }
}
