"""Local runtime support: what it takes to run Chaseflow's stack on moto instead of AWS."""
