using System.Net.Http.Headers;
using FlowMachine.Client;
using FlowMachine.Client.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IFlowMachineClient"/>, the FlowMachine REST API client.</summary>
public static class FlowMachineClientServiceCollectionExtensions
{
    private const string ClientName = "FlowMachine.Client";

    /// <summary>
    /// Adds <see cref="IFlowMachineClient"/> (an <c>IFlowClient</c> over HTTP) as a typed client of the HttpClient
    /// factory. Reads, starts with a key and commands (each sent with an Idempotency-Key) are retried on transient
    /// failures; a start without a key is sent once.
    /// </summary>
    /// <returns>The HttpClient builder, to add handlers or a primary handler.</returns>
    /// <exception cref="InvalidOperationException">The options have no absolute <see cref="FlowMachineClientOptions.BaseAddress"/>.</exception>
    public static IHttpClientBuilder AddFlowMachineClient(this IServiceCollection services, Action<FlowMachineClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new FlowMachineClientOptions();
        configure(options);
        options.Validate();

        // Relative paths (api/v1/...) resolve under the base address, also when it has a path of its own.
        var baseAddress = new Uri(options.BaseAddress!.ToString().TrimEnd('/') + "/");
        return services.AddHttpClient(ClientName)
            .ConfigureHttpClient(http =>
            {
                http.BaseAddress = baseAddress;
                http.Timeout = options.RequestTimeout;
                if (!string.IsNullOrEmpty(options.ApiKey))
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                }
            })
            .AddTypedClient<IFlowMachineClient>((http, _) => new FlowMachineHttpClient(http, options))
            .AddHttpMessageHandler(() => new RetryHandler(options));
    }
}
