using Orchestration.Messages.Maintenance;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_a_work_order_is_triaged
{
    [Theory]
    [InlineData("general", "Water on the floor", "leak")]
    [InlineData("general", "Detector went off", "smoke")]
    [InlineData("appliance", "Dishwasher hose burst, kitchen flooding", null)]
    [InlineData("general", "Strong smell of gas in the hallway", null)]
    [InlineData("electrical", "Outlet is sparking", null)]
    public void Should_call_danger_or_damage_in_progress_an_emergency(string category, string description, string? alarm) =>
        WorkOrderTriage.Classify(category, description, alarm).ShouldBe(WorkOrderPriority.Emergency);

    [Theory]
    [InlineData("hvac", "Thermostat unresponsive")]
    [InlineData("plumbing", "Kitchen tap drips")]
    [InlineData("general", "There is no hot water since yesterday")]
    [InlineData("appliance", "Fridge not working")]
    public void Should_call_a_failing_essential_service_urgent(string category, string description) =>
        WorkOrderTriage.Classify(category, description, null).ShouldBe(WorkOrderPriority.Urgent);

    [Theory]
    [InlineData("general", "Fireplace mantel is loose", null)]
    [InlineData("painting", "Scuffed wall in the bedroom", null)]
    [InlineData("general", "Sensor battery at 8%", "low-battery")]
    public void Should_leave_everything_else_routine(string category, string description, string? alarm) =>
        WorkOrderTriage.Classify(category, description, alarm).ShouldBe(WorkOrderPriority.Routine);
}
