# Reference values for tests/cli/published.rs::one_weight_1e7_times_the_others_keeps_its_variance.
# One respondent (id 0, Marketing) weighs 1e7, the other 39 weigh 1: f64 moments cancel every
# digit of the variance there. Run: Rscript one-heavy-weight.R (R 4.2, survey 4.1.1).
library(survey)
d <- read.csv("one-heavy-weight.csv")
d$comm <- d$dept %in% c("Marketing", "PR")
des <- svydesign(ids = ~p, strata = ~s, weights = ~w, data = d, nest = TRUE)
print(SE(svymean(~dept, des)), digits = 15)
# deptMarketing 2.62295526782693e-06, deptPR 1.11653459544412e-06, deptSales 1.57267097270486e-06
print(SE(svymean(~comm, des)), digits = 15)
# commTRUE 1.57267097271797e-06
