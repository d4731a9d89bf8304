"""Reference data shipped with cpts (communes, EPCI, departments, regions, ARS)."""
