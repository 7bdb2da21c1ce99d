using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Dashboard.Tests.Support;
using FlowMachine.Hooks;
using FlowMachine.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowMachine.Dashboard.Tests;

/// <summary>
/// The Hooks page: the create form (start or event), the secret shown once with a copy button, field errors beside the
/// field, rotate, delete after a confirmation page, another user's hooks unseen, and a signed delivery starting a flow.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class HooksPageTests(DashboardFixture fixture)
{
    private HookVerbs Hooks => fixture.App.Services.GetRequiredService<HookVerbs>();

    [BrowserFact]
    public async Task A_start_hook_made_through_the_form_shows_its_secret_once_and_its_row()
    {
        await SaveRoutineAsync("hook-ui-orders");
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Hooks", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hooks", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hooks", Exact = true })).ToHaveAttributeAsync("aria-current", "page");

        var secret = await CreateStartHookAsync(page, "ui-orders", "hook-ui-orders", "order=$body.order.id\nsource=$delivery", "$body.order.id");
        Assert.Matches("^[0-9a-f]{64}$", secret);
        var box = page.GetByRole(AriaRole.Status).Filter(new() { Has = page.GetByTestId("hook-secret") });
        await Assertions.Expect(box).ToContainTextAsync("Shown only this once");
        await Assertions.Expect(box).ToContainTextAsync("will not be shown again");
        await Assertions.Expect(box.GetByTestId("secret-url")).ToHaveTextAsync(fixture.BaseUrl + "/api/v1/hooks/ui-orders");
        Assert.DoesNotContain(secret, page.Url, StringComparison.Ordinal);

        // The copy button (shown by the script) puts the secret on the clipboard.
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await box.GetByRole(AriaRole.Button, new() { Name = "Copy secret" }).ClickAsync();
        await Assertions.Expect(box.Locator(".copy-done")).ToHaveTextAsync("Copied.");
        Assert.Equal(secret, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        var row = page.GetByRole(AriaRole.Table, new() { Name = "Hooks" }).Locator("tr[data-hook='ui-orders']");
        await Assertions.Expect(row).ToContainTextAsync("start");
        await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = "hook-ui-orders" })).ToHaveAttributeAsync("href", "/routines/hook-ui-orders");
        await Assertions.Expect(row).ToContainTextAsync("order ← $body.order.id");
        await Assertions.Expect(row).ToContainTextAsync("source ← $delivery");
        await Assertions.Expect(row).ToContainTextAsync("$body.order.id");
        await Assertions.Expect(row.GetByTestId("hook-url")).ToHaveTextAsync(fixture.BaseUrl + "/api/v1/hooks/ui-orders");
        await Assertions.Expect(row.Locator("time")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("dashboard-hooks.png"), FullPage = true });

        // Shown once: the page opened again lists the hook without its secret.
        await page.GotoAsync("/hooks");
        await Assertions.Expect(page.Locator("tr[data-hook='ui-orders']")).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("hook-secret")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_bad_path_or_mapping_line_is_shown_beside_its_field_and_creates_nothing()
    {
        await SaveRoutineAsync("hook-ui-bad");
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/hooks");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" });
        await form.GetByLabel("Hook name").FillAsync("ui-bad");
        await form.GetByLabel("Routine", new() { Exact = true }).FillAsync("hook-ui-bad");
        await form.GetByLabel("Flow key (path, optional)").FillAsync("order.id");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create hook" }).ClickAsync();

        form = page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" });
        var key = form.GetByLabel("Flow key (path, optional)");
        await Assertions.Expect(key).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(key).ToHaveAttributeAsync("aria-describedby", "hook-start-key-error");
        var error = page.Locator("#hook-start-key-error");
        await Assertions.Expect(error).ToContainTextAsync("start.key");
        await Assertions.Expect(error).ToContainTextAsync("a path is $delivery, $body");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);
        await Assertions.Expect(key).ToHaveValueAsync("order.id");
        await Assertions.Expect(form.GetByLabel("Hook name")).ToHaveValueAsync("ui-bad");
        await Assertions.Expect(form.GetByLabel("Routine", new() { Exact = true })).ToHaveValueAsync("hook-ui-bad");
        await Assertions.Expect(page.Locator("tr[data-hook='ui-bad']")).ToHaveCountAsync(0);

        // A mapping line that is not field=path is named as the input's problem, beside the mapping.
        await key.FillAsync("$body.order.id");
        await form.GetByLabel("Input mapping").FillAsync("order $body.order.id");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create hook" }).ClickAsync();
        await Assertions.Expect(page.Locator("#hook-input-error")).ToContainTextAsync("start.input");
        await Assertions.Expect(page.Locator("#hook-input-error")).ToContainTextAsync("is not field=path");
        await Assertions.Expect(page.Locator("#hook-start-key-error")).ToHaveCountAsync(0);

        // An event hook without a correlation key is refused beside the key's field.
        form = page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" });
        await form.GetByLabel("Raise an event by key").CheckAsync();
        await Assertions.Expect(form.GetByLabel("Routine", new() { Exact = true })).ToBeHiddenAsync();
        await form.GetByLabel("Event name").FillAsync("payment.settled");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create hook" }).ClickAsync();
        await Assertions.Expect(page.Locator("#hook-event-key-error")).ToContainTextAsync("event.key");
        await Assertions.Expect(page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" }).GetByLabel("Raise an event by key")).ToBeCheckedAsync();
        Assert.Null(await Hooks.GetAsync(new Caller("admin", IsAdmin: true), "ui-bad"));

        // A post without the page's token changes nothing.
        var tokenName = (await page.Locator("form.signout input[type='hidden']").GetAttributeAsync("name"))!;
        var forged = page.APIRequest.CreateFormData().Set(tokenName, "forged").Set("name", "ui-forged").Set("action", "start").Set("routine", "hook-ui-bad");
        Assert.Equal(400, (await page.APIRequest.PostAsync("/hooks", new() { Form = forged })).Status);
        Assert.Null(await Hooks.GetAsync(new Caller("admin", IsAdmin: true), "ui-forged"));
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Rotate_shows_a_new_secret_and_the_old_one_signs_nothing_from_then_on()
    {
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/hooks");
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" });
        await form.GetByLabel("Hook name").FillAsync("ui-payments");
        await form.GetByLabel("Raise an event by key").CheckAsync();
        await form.GetByLabel("Event name").FillAsync("payment.settled");
        await form.GetByLabel("Correlation key (path)").FillAsync("$body.order");
        await form.GetByLabel("Value (path, optional)").FillAsync("$body.amount");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create hook" }).ClickAsync();
        var first = (await page.GetByTestId("hook-secret").TextContentAsync())!.Trim();
        var row = page.Locator("tr[data-hook='ui-payments']");
        await Assertions.Expect(row).ToContainTextAsync("event");
        await Assertions.Expect(row).ToContainTextAsync("payment.settled");
        await Assertions.Expect(row).ToContainTextAsync("$body.order");
        await Assertions.Expect(row).ToContainTextAsync("$body.amount");

        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret of ui-payments" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New secret of hook ui-payments" })).ToBeVisibleAsync();
        var second = (await page.GetByTestId("hook-secret").TextContentAsync())!.Trim();
        Assert.Matches("^[0-9a-f]{64}$", second);
        Assert.NotEqual(first, second);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("will not be shown again");
        await Assertions.Expect(page.Locator("tr[data-hook='ui-payments']")).ToContainTextAsync("secret rotated");

        const string Body = """{"order":"P-1","amount":12}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(fixture.BaseUrl + "/api/v1/hooks/ui-payments", Body, first, "rot-1")).StatusCode);
        var delivered = await DeliverAsync(fixture.BaseUrl + "/api/v1/hooks/ui-payments", Body, second, "rot-2");
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("payment.settled", (string?)(await delivered.Content.ReadFromJsonAsync<JsonObject>())!["event"]);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Delete_asks_first_and_then_removes_the_row()
    {
        await SaveRoutineAsync("hook-ui-gone");
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/hooks");
        await CreateStartHookAsync(page, "ui-gone", "hook-ui-gone", string.Empty, "$delivery");

        // Cancel on the confirmation page keeps the hook.
        await page.Locator("tr[data-hook='ui-gone']").GetByRole(AriaRole.Button, new() { Name = "Delete ui-gone" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete hook ui-gone?" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-hook='ui-gone']")).ToHaveCountAsync(1);

        await page.Locator("tr[data-hook='ui-gone']").GetByRole(AriaRole.Button, new() { Name = "Delete ui-gone" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete hook ui-gone" }).ClickAsync();
        await PageAddress.ExpectAsync(page, new System.Text.RegularExpressions.Regex(@"/hooks\?deleted=ui-gone$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Hook ui-gone deleted");
        await Assertions.Expect(page.Locator("tr[data-hook='ui-gone']")).ToHaveCountAsync(0);
        Assert.Null(await Hooks.GetAsync(new Caller("admin", IsAdmin: true), "ui-gone"));
        Assert.Equal(404, (await page.GotoAsync("/hooks/ui-gone/delete"))!.Status);
        await page.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task Another_users_hook_is_not_listed_and_its_forms_are_404()
    {
        await SaveRoutineAsync("hook-ui-private");
        var alice = await fixture.SignInAsync(fixture.AliceKey);
        await alice.GotoAsync("/hooks");
        await CreateStartHookAsync(alice, "ui-private", "hook-ui-private", string.Empty, null);
        await alice.Context.CloseAsync();

        var bob = await fixture.SignInAsync(fixture.BobKey);
        await bob.GotoAsync("/hooks");
        await Assertions.Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "Hooks", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(bob.Locator("tr[data-hook='ui-private']")).ToHaveCountAsync(0);
        Assert.Equal(404, (await bob.GotoAsync("/hooks/ui-private/delete"))!.Status);
        var token = bob.Locator("form.signout input[type='hidden']");
        var fields = bob.APIRequest.CreateFormData().Set((await token.GetAttributeAsync("name"))!, (await token.GetAttributeAsync("value"))!);
        Assert.Equal(404, (await bob.APIRequest.PostAsync("/hooks/ui-private/rotate", new() { Form = fields })).Status);
        Assert.Equal(404, (await bob.APIRequest.PostAsync("/hooks/ui-private/delete", new() { Form = fields, MaxRedirects = 0 })).Status);
        Assert.NotNull(await Hooks.GetAsync(new Caller("admin", IsAdmin: true), "ui-private"));
        await bob.Context.CloseAsync();
    }

    [BrowserFact]
    public async Task A_signed_delivery_to_the_hooks_url_starts_a_flow_seen_in_the_flow_list()
    {
        await SaveRoutineAsync("hook-ui-ship");
        var page = await fixture.SignInAsync(fixture.AliceKey);
        await page.GotoAsync("/hooks");
        var secret = await CreateStartHookAsync(page, "ui-ship", "hook-ui-ship", "order=$body.order.id", "$body.order.id");
        var url = (await page.Locator("tr[data-hook='ui-ship']").GetByTestId("hook-url").TextContentAsync())!.Trim();

        var answer = await DeliverAsync(url, """{"order":{"id":"SHIP-77"}}""", secret, "ship-delivery-1");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var delivered = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((bool)delivered["created"]!);
        var flowId = (string)delivered["flowId"]!;

        await page.GotoAsync("/flows?routine=hook-ui-ship");
        var flow = page.Locator($"table.flows tbody tr[data-flow-id='{flowId}']");
        await Assertions.Expect(flow).ToContainTextAsync("hook-ui-ship");
        await Assertions.Expect(flow).ToContainTextAsync("SHIP-77");
        await Assertions.Expect(flow).ToContainTextAsync("alice");
        await flow.GetByRole(AriaRole.Link).First.ClickAsync();
        await PageAddress.ExpectAsync(page, new System.Text.RegularExpressions.Regex($"/flows/{flowId}$"));
        await page.Context.CloseAsync();

        using var api = fixture.Api(fixture.AliceKey);
        var started = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/flows/{flowId}"))!;
        Assert.Equal("SHIP-77", (string?)started["input"]!["order"]);
    }

    /// <summary>Fills and sends the create form for a start hook; the secret the answer shows.</summary>
    private static async Task<string> CreateStartHookAsync(IPage page, string name, string routine, string input, string? key)
    {
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Create a hook" });
        await form.GetByLabel("Hook name").FillAsync(name);
        await form.GetByLabel("Start a routine").CheckAsync();
        await form.GetByLabel("Routine", new() { Exact = true }).FillAsync(routine);
        await form.GetByLabel("Input mapping").FillAsync(input);
        await form.GetByLabel("Flow key (path, optional)").FillAsync(key ?? string.Empty);
        await form.GetByRole(AriaRole.Button, new() { Name = "Create hook" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Secret of hook {name}" })).ToBeVisibleAsync();
        return (await page.GetByTestId("hook-secret").TextContentAsync())!.Trim();
    }

    private async Task SaveRoutineAsync(string name)
    {
        using var api = fixture.Api(fixture.AliceKey);
        (await api.PostAsJsonAsync("/api/v1/routines", new { name, spec = new { tasks = new[] { new { key = "done", task_type = "noop" } } } })).EnsureSuccessStatusCode();
    }

    /// <summary>Posts <paramref name="body"/> to a hook's URL signed with <paramref name="secret"/> (the HMAC-SHA256 computed here, not by the server's code).</summary>
    private static async Task<HttpResponseMessage> DeliverAsync(string url, string body, string secret, string delivery)
    {
        using var sender = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-FlowMachine-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        request.Headers.Add("X-FlowMachine-Delivery", delivery);
        var answer = await sender.SendAsync(request);
        await answer.Content.LoadIntoBufferAsync();
        return answer;
    }
}
