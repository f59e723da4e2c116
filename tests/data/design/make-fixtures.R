# Generates the design test data (seeded) and R survey's answers for it.
# Run from this folder: Rscript make-fixtures.R  (R 4.2.2, survey 4.1-1: apt-get install r-cran-survey).
# Writes single.csv, multi.csv, lonely.csv (inputs) and r-*.csv (R's answers, 17 significant digits).
suppressMessages(library(survey))
set.seed(20240611)

ids <- c("marketing", "pr", "sales", "customer_service", "it", "executive")
labels <- c("Marketing", "PR", "Sales", "Customer Service", "IT", "Executive")
base_prob <- c(0.33, 0.2, 0.15, 0.12, 0.1, 0.1)
regions <- c("north", "south", "east", "west")
psus_per_region <- c(north = 7, south = 5, east = 6, west = 4)
population <- c(north = 40, south = 22, east = 35, west = 18)
base_weight <- c(north = 120, south = 60, east = 90, west = 200)

make_rows <- function(wave, lonely = FALSE) {
  rows <- list()
  for (r in regions) {
    k <- if (lonely && r == "west") 1 else psus_per_region[[r]]
    for (j in seq_len(k)) {
      m <- sample(4:11, 1)
      # Each PSU leans towards its own departments, which is what makes the design effect.
      p <- base_prob * exp(rnorm(length(ids), 0, 0.6)) * (if (wave == 2024) c(1.25, 1, 1, 0.8, 1, 1) else 1)
      p <- p / sum(p)
      first <- sample(seq_along(ids), m, replace = TRUE, prob = p)
      second <- ifelse(runif(m) < 0.45, sample(seq_along(ids), m, replace = TRUE, prob = p), NA)
      rows[[length(rows) + 1]] <- data.frame(
        year = wave, region = r, psu = paste0("c", j), fpc = population[[r]],
        weight = round(base_weight[[r]] * runif(m, 0.5, 1.6), 3),
        size = sample(c("small", "large"), m, replace = TRUE, prob = c(0.6, 0.4)),
        first = first, second = second, blank = runif(m) < 0.04
      )
    }
  }
  do.call(rbind, rows)
}

raw <- rbind(make_rows(2023), make_rows(2024))
raw$respondent <- seq_len(nrow(raw))
one <- ifelse(raw$blank, "", labels[raw$first])
both <- ifelse(is.na(raw$second) | raw$second == raw$first, one,
               paste(labels[raw$first], labels[raw$second], sep = ";"))
both[raw$blank] <- ""
cols <- c("respondent", "year", "region", "psu", "fpc", "weight", "size")
single <- cbind(raw[cols], department = one)
multi <- cbind(raw[cols], department = both)
write.csv(single, "single.csv", row.names = FALSE, quote = FALSE)
write.csv(multi, "multi.csv", row.names = FALSE, quote = FALSE)
lonely <- make_rows(2024, lonely = TRUE)
lonely$respondent <- seq_len(nrow(lonely))
lonely <- cbind(lonely[cols], department = ifelse(lonely$blank, "", labels[lonely$first]))
write.csv(lonely, "lonely.csv", row.names = FALSE, quote = FALSE)

# Indicators, read back from the files as deptshare reads them.
indicators <- function(d) {
  named <- strsplit(d$department, ";", fixed = TRUE)
  for (i in seq_along(ids)) d[[paste0("y_", ids[i])]] <- as.numeric(sapply(named, function(x) labels[i] %in% x))
  d$y_communications <- pmax(d$y_marketing, d$y_pr)
  d$answered <- d$department != ""
  d$stratum <- paste(d$year, d$region)
  d
}
read_back <- function(file) indicators(read.csv(file, colClasses = c(department = "character")))

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

estimates <- function(des, cats, domains) {
  out <- list()
  for (dom in domains) {
    sub <- subset(des, answered & year == dom$year & (is.na(dom$size) | size == dom$size))
    for (cat in cats) {
      f <- as.formula(paste0("~y_", cat))
      m <- svymean(f, sub, deff = TRUE)
      p <- coef(m)[[1]]
      inner <- p > 0 && p < 1
      lg <- if (inner) suppressWarnings(confint(svyciprop(f, sub, method = "logit"))) else c(NA, NA)
      bt <- if (inner) confint(svyciprop(f, sub, method = "beta")) else c(NA, NA)
      out[[length(out) + 1]] <- data.frame(
        wave = dom$year, segment = ifelse(is.na(dom$size), "", dom$size), category = cat,
        n = nrow(sub), share = fmt(p), se = fmt(SE(m)[[1]]), deff = fmt(if (inner) deff(m)[[1]] else NA),
        df = degf(sub), logit_low = fmt(lg[1]), logit_high = fmt(lg[2]), beta_low = fmt(bt[1]), beta_high = fmt(bt[2])
      )
    }
  }
  do.call(rbind, out)
}

trend <- function(des, cats) {
  sub <- subset(des, answered)
  out <- list()
  for (cat in cats) {
    f <- as.formula(paste0("~y_", cat))
    b <- svyby(f, ~year, sub, svymean, covmat = TRUE)
    ct <- svycontrast(b, c(-1, 1))
    chi <- svychisq(as.formula(paste0("~y_", cat, "+year")), sub)
    out[[length(out) + 1]] <- data.frame(
      category = cat, diff = fmt(coef(ct)[[1]]), diff_se = fmt(SE(ct)[[1]]),
      f = fmt(chi$statistic[[1]]), ndf = fmt(chi$parameter[[1]]), ddf = fmt(chi$parameter[[2]]), p_value = fmt(chi$p.value[[1]])
    )
  }
  do.call(rbind, out)
}

cats <- c(ids, "communications")
domains <- list()
for (y in c(2023, 2024)) for (s in c(NA, "small", "large")) domains[[length(domains) + 1]] <- list(year = y, size = s)

d <- read_back("single.csv")
full <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE, data = d)
write.csv(estimates(full, cats, domains), "r-single-full.csv", row.names = FALSE, quote = FALSE)
write.csv(trend(full, cats), "r-single-full-trend.csv", row.names = FALSE, quote = FALSE)
# Waves are independent samples: deptshare nests everything in waves, so the wave is a stratum here.
weights_only <- svydesign(ids = ~1, strata = ~year, weights = ~weight, data = d)
write.csv(estimates(weights_only, cats, domains[c(1, 4)]), "r-single-weights.csv", row.names = FALSE, quote = FALSE)

d <- read_back("multi.csv")
clustered <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
write.csv(estimates(clustered, cats, domains[c(1, 4)]), "r-multi.csv", row.names = FALSE, quote = FALSE)
write.csv(trend(clustered, cats), "r-multi-trend.csv", row.names = FALSE, quote = FALSE)

d <- read_back("lonely.csv")
options(survey.lonely.psu = "adjust")
adjusted <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
write.csv(estimates(adjusted, cats, list(list(year = 2024, size = NA))), "r-lonely-adjust.csv", row.names = FALSE, quote = FALSE)
options(survey.lonely.psu = "fail")
failed <- tryCatch(svymean(~y_marketing, subset(adjusted, answered)), error = function(e) conditionMessage(e))
writeLines(paste("R with survey.lonely.psu = \"fail\":", failed), "r-lonely-fail.txt")

# Three waves: the Rao-Scott correction with a fractional numerator df (appended last so the files
# above keep their random numbers).
extra <- make_rows(2025)
extra$respondent <- nrow(raw) + seq_len(nrow(extra))
three <- rbind(single, cbind(extra[cols], department = ifelse(extra$blank, "", labels[extra$first])))
write.csv(three, "three-waves.csv", row.names = FALSE, quote = FALSE)
d <- read_back("three-waves.csv")
des3 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE, data = d)
chisq <- lapply(cats, function(cat) {
  chi <- svychisq(as.formula(paste0("~y_", cat, "+year")), subset(des3, answered))
  data.frame(category = cat, f = fmt(chi$statistic[[1]]), ndf = fmt(chi$parameter[[1]]),
             ddf = fmt(chi$parameter[[2]]), p_value = fmt(chi$p.value[[1]]))
})
write.csv(do.call(rbind, chisq), "r-three-waves-chisq.csv", row.names = FALSE, quote = FALSE)
