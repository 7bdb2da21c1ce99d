using EmbeddedApp.Orders;
using FlowMachine;

var builder = WebApplication.CreateBuilder(args);

// FlowMachine runs inside this app: the worker is a hosted service, flows live in a SQLite file.
builder.Services.AddSingleton<IPaymentGateway, FakePaymentGateway>();
builder.Services
    .AddFlowMachine(o => o.Concurrency = 8)
    .UseSqlite(builder.Configuration["Orders:Database"] ?? "orders.db")
    .AddTasks(typeof(ReserveStock).Assembly);

var app = builder.Build();
app.MapOrders();
app.Run();

/// <summary>The app's entry point; public so tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
