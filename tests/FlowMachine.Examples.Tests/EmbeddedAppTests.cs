using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlowMachine.Examples.Tests;

/// <summary>The embedded-app example: its endpoints start order flows that its own hosted worker runs to the end.</summary>
public sealed class EmbeddedAppTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fm-app-").FullName;
    private readonly WebApplicationFactory<Program> factory;

    public EmbeddedAppTests()
    {
        var database = Path.Combine(folder, "orders.db");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Orders:Database", database));
    }

    [Fact]
    public async Task Posting_an_order_starts_a_flow_that_reserves_charges_and_completes()
    {
        using var client = factory.CreateClient();

        var posted = await client.PostAsJsonAsync("/orders", new { orderId = "A-1", sku = "mug", quantity = 2, amount = 19.90m });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/orders/{id}", posted.Headers.Location?.OriginalString);

        var order = await PollAsync(client, id, "COMPLETED");

        Assert.Equal("COMPLETED", order.GetProperty("steps").GetProperty("reserve").GetString());
        Assert.Equal("COMPLETED", order.GetProperty("steps").GetProperty("confirm").GetString());
        var receipt = order.GetProperty("receipt");
        Assert.StartsWith("rcpt-", receipt.GetProperty("receiptId").GetString(), StringComparison.Ordinal);
        Assert.Equal(19.90m, receipt.GetProperty("amount").GetDecimal());
        Assert.True(File.Exists(Path.Combine(folder, "orders.db")), "the app should keep its flows in the configured SQLite file");
    }

    [Fact]
    public async Task Posting_the_same_order_twice_returns_the_first_flow()
    {
        using var client = factory.CreateClient();
        var order = new { orderId = "B-7", sku = "cup", quantity = 1, amount = 5m };

        var first = await (await client.PostAsJsonAsync("/orders", order)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await client.PostAsJsonAsync("/orders", order)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.True(first.GetProperty("created").GetBoolean());
        Assert.False(second.GetProperty("created").GetBoolean());
    }

    [Fact]
    public async Task An_invalid_order_is_refused_and_an_unknown_one_is_not_found()
    {
        using var client = factory.CreateClient();

        var bad = await client.PostAsJsonAsync("/orders", new { orderId = "C-1", sku = "x", quantity = 0, amount = 1m });
        var missing = await client.GetAsync(new Uri("/orders/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string id, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement order;
        do
        {
            order = await client.GetFromJsonAsync<JsonElement>($"/orders/{id}");
            if (order.GetProperty("state").GetString() == state)
            {
                return order;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"order flow {id} did not reach {state}: {order}");
    }

    public void Dispose()
    {
        factory.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file briefly; a leftover temp folder is harmless
        }
    }
}
