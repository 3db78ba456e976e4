using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Simulators.Tests.Hosting;

public sealed class When_starting_the_simulators
{
    [Fact]
    public void Should_read_each_simulator_from_its_configuration_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulators:Payments:Url"] = "http://127.0.0.1:6090",
            ["Simulators:Payments:Webhook:Url"] = "http://127.0.0.1:5080/webhooks/payments",
            ["Simulators:Payments:SettlementDelay"] = "00:00:05",
            ["Simulators:ESignature:AutoSignAfter"] = "00:00:10",
            ["Simulators:Screening:Enabled"] = "false",
            ["Simulators:Mail:ApiKey"] = "SG.configured",
        }).Build();

        var options = SimulatorOptions.FromConfiguration(configuration);

        options.Payments.Url.ShouldBe("http://127.0.0.1:6090");
        options.Payments.Webhook.Url.ShouldBe("http://127.0.0.1:5080/webhooks/payments");
        options.Payments.Webhook.Secret.ShouldBe("whsec_simulator");
        options.Payments.SettlementDelay.ShouldBe(TimeSpan.FromSeconds(5));
        options.ESignature.Url.ShouldBe("http://127.0.0.1:5091");
        options.ESignature.AutoSignAfter.ShouldBe(TimeSpan.FromSeconds(10));
        options.Screening.Enabled.ShouldBeFalse();
        options.Mail.ApiKey.ShouldBe("SG.configured");
    }

    [Fact]
    public async Task Should_run_each_simulator_on_its_own_port_until_disposed()
    {
        var simulators = await TestSimulators.StartAsync(o =>
            o.Payments.Enabled = o.ESignature.Enabled = o.Screening.Enabled = o.Mail.Enabled = true);
        Uri[] urls = [simulators.Payments!, simulators.ESignature!, simulators.Screening!, simulators.Mail!];
        using var client = new HttpClient();

        urls.Select(u => u.Port).Distinct().Count().ShouldBe(4);
        urls.ShouldAllBe(u => u.Host == "127.0.0.1");
        foreach (var url in urls)
            (await client.GetAsync(new Uri(url, "/_sim/webhooks/events"))).StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.NotFound);

        await simulators.DisposeAsync();

        await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync(new Uri(urls[0], "/_sim/webhooks/events")));
    }

    [Fact]
    public async Task Should_refuse_to_listen_anywhere_but_loopback()
    {
        var refused = await Should.ThrowAsync<InvalidOperationException>(() =>
            TestSimulators.StartAsync(o =>
            {
                o.Payments.Enabled = true;
                o.Payments.Url = "http://0.0.0.0:5090";
            }));

        refused.Message.ShouldContain("loopback");
    }

    [Fact]
    public async Task Should_run_inside_another_host_for_as_long_as_it_runs()
    {
        var port = FreePort.Next();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulators:Mail:Url"] = $"http://127.0.0.1:{port}",
            ["Simulators:Payments:Enabled"] = "false",
            ["Simulators:ESignature:Enabled"] = "false",
            ["Simulators:Screening:Enabled"] = "false",
        });
        builder.Services.AddSimulators(builder.Configuration);
        using var host = builder.Build();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await host.StartAsync();
        var running = await client.GetAsync("/_sim/mail/messages");
        await host.StopAsync();

        running.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync("/_sim/mail/messages"));
    }
}
